from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "memberarea.demo"
    label = "demo"
