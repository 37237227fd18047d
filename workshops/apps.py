from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from society import hooks
from society.hooks import FiguresTable, Link


class WorkshopsConfig(AppConfig):
    name = "workshops"
    verbose_name = _("Workshops")

    def ready(self) -> None:
        from . import audiences, services  # the models are ready only now
        from .new_year import new_year_checklist
        from .selectors import next_release, series_attendance
        from .storage import private_storage

        # Events links to workshop pages only through these (society.hooks).
        register = hooks.register
        register(self.label, hooks.MAIN_NAV, "workshops", Link(_("Workshops"), "workshops:list", order=20))
        register(self.label, hooks.CONSOLE_NAV, "workshops", Link(_("Workshops"), "workshops:manage_workshops"))
        hosted = Link(_("Member-led sessions"), "workshops:manage_hosted_sessions", order=2)
        register(self.label, hooks.CONSOLE_NAV, "hosted_sessions", hosted)
        groups = Link(_("Study groups"), "workshops:manage_study_groups", order=1)
        register(self.label, hooks.CONSOLE_NAV, "study_groups", groups)
        tabs = hooks.CONSOLE_EVENT_TABS
        # Both admit the event's hosts (events.views.manage.access.event_team_required).
        materials = Link(_("Materials"), "workshops:manage_event_materials", order=1, hosts=True)
        register(self.label, tabs, "materials", materials)
        register(
            self.label, tabs, "feedback", Link(_("Feedback"), "workshops:manage_event_feedback", order=2, hosts=True)
        )
        register(self.label, hooks.EVENT_MATERIALS, "materials", Link(_("Materials"), "workshops:event_materials"))
        more = Link(_("Tell us what worked and what to improve"), "workshops:feedback")
        register(self.label, hooks.EVENT_FEEDBACK_MORE, "workshop_feedback", more)

        offer = hooks.ANNOUNCEMENT_AUDIENCES
        series = hooks.Audience(
            _("Everyone who attended a session of a workshop series"),
            choices=audiences.series_choices,
            recipients=audiences.series_attendees,
            describe=audiences.describe_series,
            order=1,
        )
        group = hooks.Audience(
            _("A study group's members"),
            choices=audiences.study_group_choices,
            recipients=audiences.study_group_members,
            describe=audiences.describe_study_group,
            order=2,
        )
        register(self.label, offer, "series", series)
        register(self.label, offer, "study_group", group)
        header = (_("Series"), pgettext_lazy("workshop series", "Sessions"), _("Attendances"), _("People"))
        register(
            self.label,
            hooks.FIGURES_TABLES,
            "series",
            FiguresTable(_("Attendance per series"), header, series_attendance),
        )

        join = hooks.SeriesLink(_("Workshop series"), services.workshop_series_choices, services.add_series_sessions)
        register(self.label, hooks.SERIES_LINKS, "workshop_series", join)
        register(self.label, hooks.NEW_YEAR_CHECKLIST, "workshops", new_year_checklist)
        register(self.label, hooks.STORAGES, "private_materials", private_storage)
        register(self.label, hooks.PAGE_CLOCK, "materials", next_release)
