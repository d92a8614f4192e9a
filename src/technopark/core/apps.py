from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "technopark.core"
    label = "core"
    verbose_name = "Core"
