from django.urls import path

from . import aggregate_views, campaign_views, case_views, partner_views, request_views, retention_views, views

app_name = "backoffice"
urlpatterns = [
    path("", views.home, name="home"),
    path("members/", views.search, name="search"),
    path("members/<uuid:membership_id>/", views.record, name="record"),
    path("members/<uuid:membership_id>/<slug:name>/", views.action, name="action"),
    path("audit/", views.audit, name="audit"),
    path("deliveries/", views.deliveries, name="deliveries"),
    path("deliveries/<uuid:message_id>/retry/", views.delivery_retry, name="delivery-retry"),
    path("deliveries/core/<uuid:message_id>/retry/", views.core_message_retry, name="core-message-retry"),
    path("analytics/", views.analytics, name="analytics"),
    path("campaigns/", campaign_views.campaigns, name="campaigns"),
    path("campaigns/new/", campaign_views.campaign_new, name="campaign-new"),
    path("campaigns/<uuid:campaign_id>/", campaign_views.campaign, name="campaign"),
    path("campaigns/<uuid:campaign_id>/submit/", campaign_views.campaign_submit_view, name="campaign-submit"),
    path("campaigns/<uuid:campaign_id>/approve/", campaign_views.campaign_approve_view, name="campaign-approve"),
    path("campaigns/<uuid:campaign_id>/reject/", campaign_views.campaign_reject_view, name="campaign-reject"),
    path("privacy/processing/", views.processing, name="privacy-processing"),
    path("privacy/processing.csv", views.processing_csv_download, name="privacy-processing-csv"),
    path("privacy/processing.pdf", views.processing_pdf_download, name="privacy-processing-pdf"),
    path("privacy/requests/", request_views.requests_queue, name="requests"),
    path("privacy/requests/<uuid:request_id>/", request_views.request_page, name="request"),
    path("privacy/requests/<uuid:request_id>/<slug:action>/", request_views.request_action, name="request-action"),
    path("privacy/retention/", retention_views.retention_runs, name="retention-runs"),
    path("privacy/retention/<uuid:run_id>/", retention_views.retention_run, name="retention-run"),
    path("privacy/partner-exports/", partner_views.partner_exports_page, name="partner-exports"),
    path(
        "privacy/partner-exports/<uuid:export_id>/file.csv",
        partner_views.partner_export_download,
        name="partner-export-download",
    ),
    path("privacy/aggregates/", aggregate_views.aggregates, name="privacy-aggregates"),
    path("privacy/aggregates/<slug:key>.csv", aggregate_views.aggregate_csv_download, name="privacy-aggregates-csv"),
    path("security/cases/", case_views.security_cases, name="security-cases"),
    path("staff/", views.staff, name="staff"),
    path("documents/", views.documents, name="documents"),
    path("documents/<str:kind>/publish/", views.document_publish, name="document-publish"),
    path("staff/<uuid:account_id>/roles/", views.staff_roles, name="staff-roles"),
    path("staff/<uuid:account_id>/deactivate/", views.staff_deactivate, name="staff-deactivate"),
]
