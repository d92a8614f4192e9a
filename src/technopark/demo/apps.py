from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo parks and the benchmark's generated park: ``manage.py seed_demo`` and
    ``manage.py generate_park``. No tables of its own; it writes through the other apps'
    services and models, and no app imports it (import-linter holds it)."""

    name = "technopark.demo"
    label = "demo"
    verbose_name = "Demo"
