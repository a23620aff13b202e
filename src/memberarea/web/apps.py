from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "memberarea.web"
    label = "web"
