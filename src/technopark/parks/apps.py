from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParksConfig(AppConfig):
    name = "technopark.parks"
    verbose_name = _("Parks")
