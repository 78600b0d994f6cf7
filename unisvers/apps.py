from django.apps import AppConfig


class UnisversConfig(AppConfig):
    name = "unisvers"
    verbose_name = "Unis'Vers"
