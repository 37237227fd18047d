from django.apps import AppConfig

from society import hooks
from society.hooks import Link


class WorkshopsConfig(AppConfig):
    name = "workshops"
    verbose_name = "Workshops"

    def ready(self) -> None:
        register = hooks.register
        register(self.label, hooks.MAIN_NAV, "workshops", Link("Workshops", "workshops:list", order=20))
