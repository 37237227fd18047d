"""The events app's forms, one module a page family; import them from here."""

from .admin import EventAdminForm, SpeakerAdminForm
from .announcements import AudienceAnnouncementForm
from .console import (
    AddRegistrantForm,
    AnnouncementForm,
    BulkAttendanceForm,
    CancelEventForm,
    ConsoleSettingsForm,
    ConsoleSpeakerForm,
    EventSpeakerForm,
)
from .event import CONSOLE_EVENT_FIELDS, ConsoleEventForm, DuplicateForm, LocalDateTimeField
from .fields import SkippedDatesField
from .figures import FiguresForm
from .hosts import HOST_EVENT_FIELDS, AddHostForm, HostEventForm, RehearsalForm
from .lottery import LotteryRequestForm
from .public import EventFilterForm, FeedbackForm, SelfCheckInForm
from .series import SeriesForm
from .strikes import ContestStrikeForm, DecideStrikeForm, NoShowRulesForm

__all__ = [
    "CONSOLE_EVENT_FIELDS",
    "HOST_EVENT_FIELDS",
    "AddHostForm",
    "AddRegistrantForm",
    "AnnouncementForm",
    "AudienceAnnouncementForm",
    "BulkAttendanceForm",
    "CancelEventForm",
    "ConsoleEventForm",
    "ConsoleSettingsForm",
    "ConsoleSpeakerForm",
    "ContestStrikeForm",
    "DecideStrikeForm",
    "DuplicateForm",
    "EventAdminForm",
    "EventFilterForm",
    "EventSpeakerForm",
    "FeedbackForm",
    "FiguresForm",
    "HostEventForm",
    "LocalDateTimeField",
    "LotteryRequestForm",
    "NoShowRulesForm",
    "RehearsalForm",
    "SelfCheckInForm",
    "SeriesForm",
    "SkippedDatesField",
    "SpeakerAdminForm",
]  # fmt: skip
