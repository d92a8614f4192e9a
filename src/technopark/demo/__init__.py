"""The demo parks (``manage.py seed_demo``) and the large generated park of the benchmark."""
