from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class CoreConfig(AppConfig):
    name = "technopark.core"
    label = "core"
    verbose_name = "Core"


class AdminConfig(admin_apps.AdminConfig):
    """``django.contrib.admin`` with the site that spans parks (``core.admin_site``); named in
    ``INSTALLED_APPS`` in its place. Not the default config of ``technopark.core``."""

    default = False

    default_site = "technopark.core.admin_site.UnscopedAdminSite"
