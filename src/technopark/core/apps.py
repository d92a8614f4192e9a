from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class CoreConfig(AppConfig):
    name = "technopark.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from django.urls import register_converter

        from technopark.core.converters import IdConverter

        register_converter(IdConverter, "id")  # <id:pk>: a 64-bit id, anything else a 404


class AdminConfig(admin_apps.AdminConfig):
    """``django.contrib.admin`` with the site that spans parks (``core.admin_site``); named in
    ``INSTALLED_APPS`` in its place. Not the default config of ``technopark.core``."""

    default = False

    default_site = "technopark.core.admin_site.UnscopedAdminSite"
