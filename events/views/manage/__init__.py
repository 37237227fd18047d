"""The committee console under /manage/: every view needs the committee role."""

from .comms import (
    announcement_create,
    announcement_detail,
    announcement_new,
    announcement_send,
    announcements,
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
from .emails import email_detail, email_retry, emails
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
from .figures import figures_csv, term_figures
from .hosts import event_host_remove, event_hosts, event_rehearsal, my_hosting
from .lottery import lottery_draw, lottery_run
from .people import add_registrant, cancel_registration, promote_registration, registrations, registrations_csv
from .strikes import strike_decide, strikes

__all__ = [
    "add_registrant",
    "announcement_create",
    "announcement_detail",
    "announcement_new",
    "announcement_send",
    "announcements",
    "bulk_attendance",
    "cancel_registration",
    "console_settings",
    "door",
    "door_check_in",
    "door_undo",
    "email_detail",
    "email_retry",
    "emails",
    "event_cancel",
    "event_console",
    "event_create",
    "event_duplicate",
    "event_edit",
    "event_host_remove",
    "event_hosts",
    "event_preview",
    "event_publish",
    "event_rehearsal",
    "event_speakers",
    "figures_csv",
    "lottery_draw",
    "lottery_run",
    "manage_home",
    "my_hosting",
    "projector",
    "promote_registration",
    "registrations",
    "registrations_csv",
    "series_create",
    "series_publish",
    "speaker_edit",
    "speaker_feedback",
    "speaker_list",
    "strike_decide",
    "strikes",
    "term_figures",
]
