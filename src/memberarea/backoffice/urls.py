from django.urls import path

from . import views

app_name = "backoffice"
urlpatterns = [
    path("", views.home, name="home"),
    path("members/", views.search, name="search"),
    path("members/<uuid:membership_id>/", views.record, name="record"),
    path("members/<uuid:membership_id>/<slug:name>/", views.action, name="action"),
    path("audit/", views.audit, name="audit"),
    path("deliveries/", views.deliveries, name="deliveries"),
    path("deliveries/<uuid:message_id>/retry/", views.delivery_retry, name="delivery-retry"),
    path("privacy/processing/", views.processing, name="privacy-processing"),
    path("privacy/processing.csv", views.processing_csv_download, name="privacy-processing-csv"),
    path("privacy/processing.pdf", views.processing_pdf_download, name="privacy-processing-pdf"),
    path("staff/", views.staff, name="staff"),
    path("staff/<uuid:account_id>/roles/", views.staff_roles, name="staff-roles"),
    path("staff/<uuid:account_id>/deactivate/", views.staff_deactivate, name="staff-deactivate"),
]
