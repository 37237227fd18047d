"""Find the modules each app offers to a shared mechanism, by convention.

An app that takes part ships `<app>/<name>.py` (say `demo.py` for the demo
loader, `personal_data.py` for a member's data export); they are found in
INSTALLED_APPS order, so society calls into apps without importing any.
"""

from importlib import import_module
from types import ModuleType

from django.apps import apps


def app_modules(name: str) -> dict[str, ModuleType]:
    """App label -> its `name` module, for the installed apps that have one."""
    found = {}
    for config in apps.get_app_configs():
        try:
            found[config.label] = import_module(f"{config.name}.{name}")
        except ModuleNotFoundError as error:
            if error.name != f"{config.name}.{name}":
                raise  # the module exists but something it imports does not
    return found
