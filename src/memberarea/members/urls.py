"""The member area's URLs: the member acted for is part of the path (GUARD-1), as an opaque UUID."""

from django.urls import path

from memberarea.web.views import members

urlpatterns = [
    path("members/", members.members_home, name="members"),
    path("members/<uuid:member_id>/", members.dashboard, name="member-dashboard"),
    path("members/<uuid:member_id>/card/", members.card_page, name="member-card"),
    path("members/<uuid:member_id>/card.pdf", members.card_pdf, name="member-card-pdf"),
]
