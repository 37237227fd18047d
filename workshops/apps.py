from django.apps import AppConfig

from society import hooks
from society.hooks import Link


class WorkshopsConfig(AppConfig):
    name = "workshops"
    verbose_name = "Workshops"

    def ready(self) -> None:
        # Events links to workshop pages only through these (society.hooks).
        register = hooks.register
        register(self.label, hooks.MAIN_NAV, "workshops", Link("Workshops", "workshops:list", order=20))
        register(self.label, hooks.CONSOLE_NAV, "workshops", Link("Workshops", "workshops:manage_workshops"))
        groups = Link("Study groups", "workshops:manage_study_groups", order=1)
        register(self.label, hooks.CONSOLE_NAV, "study_groups", groups)
        tabs = hooks.CONSOLE_EVENT_TABS
        register(self.label, tabs, "materials", Link("Materials", "workshops:manage_event_materials", order=1))
        register(self.label, tabs, "feedback", Link("Feedback", "workshops:manage_event_feedback", order=2))
        register(self.label, hooks.EVENT_MATERIALS, "materials", Link("Materials", "workshops:event_materials"))
        more = Link("Tell us what worked and what to improve", "workshops:feedback")
        register(self.label, hooks.EVENT_FEEDBACK_MORE, "workshop_feedback", more)
