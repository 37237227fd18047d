"""The committee console under /manage/: every view needs the committee role."""

from .comms import (
    announcement_new,
    announcement_send,
    console_settings,
    event_speakers,
    speaker_edit,
    speaker_feedback,
    speaker_list,
)
from .door import (
    bulk_attendance,
    door,
    door_check_in,
    door_undo,
    projector,
)
from .events import (
    event_cancel,
    event_console,
    event_create,
    event_duplicate,
    event_edit,
    event_preview,
    event_publish,
    manage_home,
    series_create,
    series_publish,
)
from .figures import term_figures
from .people import add_registrant, cancel_registration, promote_registration, registrations, registrations_csv

__all__ = [
    "add_registrant",
    "announcement_new",
    "announcement_send",
    "bulk_attendance",
    "cancel_registration",
    "console_settings",
    "door",
    "door_check_in",
    "door_undo",
    "event_cancel",
    "event_console",
    "event_create",
    "event_duplicate",
    "event_edit",
    "event_preview",
    "event_publish",
    "event_speakers",
    "manage_home",
    "projector",
    "promote_registration",
    "registrations",
    "registrations_csv",
    "series_create",
    "series_publish",
    "speaker_edit",
    "speaker_feedback",
    "speaker_list",
    "term_figures",
]
