from django.apps import AppConfig


class EnrollmentConfig(AppConfig):
    name = "memberarea.enrollment"
    label = "enrollment"
    default_auto_field = "django.db.models.BigAutoField"
