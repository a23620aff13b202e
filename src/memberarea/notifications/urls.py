from django.urls import path

from . import views

urlpatterns = [
    path("dev/outbox", views.dev_outbox, name="dev-outbox"),
    path("dev/outbox.json", views.dev_outbox_json, name="dev-outbox-json"),
]
