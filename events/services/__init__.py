"""Business rules of events, one module a concern. Views, the admin, email links,
management commands, Celery tasks and the demo call these functions, and nothing
else changes an event's status or a registration's status or check-in:

- registrations: register, cancel, the waiting list, seats by hand, capacity, walk-ins
- checkin: the check-in window, check-in and undo, attendance in bulk, self check-in, and
  each person's first attendance (kept for the figures)
- publishing: drafts, publish, change (refused when someone saved meanwhile), cancel, duplicate
- details: what the console's event form adds (new topics, banner, speakers)
- series: weekly series of drafts, made and published together
- announcements, speakers, feeds (private calendars), ratings
- emails: what every email about a registration says
- lottery: registration by lot (requests, the committed seed, the weighted draw, its published data)
- webhook: the committee's chat webhook
- audit: the action log, written inside the transaction of the change

Arguments are keyword-only; `now` can be given so tests never wait for the clock.
The names below are the public API, so callers write `services.register(...)`.
"""

from .announcements import (
    AnnouncementError,
    announcement_email,
    announcement_recipients,
    draft_announcement,
    offered_audiences,
    registrations_of,
    send_announcement,
)
from .audit import record_action
from .checkin import (
    BulkResult,
    bulk_attendance,
    check_in,
    check_in_problem,
    keep_first_attendances,
    registrations_with_short_code,
    self_check_in,
    self_check_in_code,
    self_check_in_link_problem,
    self_check_in_link_token,
    self_check_in_offered,
    undo_check_in,
)
from .details import EventExtras, set_banner
from .emails import event_facts, registration_email_context
from .feeds import calendar_feed_of, reset_calendar_feed
from .hosts import HostError, add_host, host_email_context, remove_host, set_rehearsal
from .lottery import (
    MyRequest,
    draw,
    draw_due_lotteries,
    draw_problem,
    lottery_settings_problem,
    my_request,
    published_draw,
    request_place,
    requests_have_closed,
    requests_open,
    revealed_seed,
    set_friend,
    window_problem,
    withdraw_request,
)
from .publishing import (
    GUARDED_FIELDS,
    TIME_AND_PLACE,
    VERSION_CONFLICT,
    cancel_event,
    cancel_problem,
    create_event,
    duplicate_event,
    event_version,
    local_time_problem,
    make_local,
    publish_event,
    publish_problem,
    unique_slug,
    update_event,
)
from .ratings import rate_event
from .registrations import (
    Availability,
    RegistrationError,
    add_registrant,
    availability,
    cancel,
    cancellation_problem,
    capacity_problem,
    change_capacity,
    check_not_stale,
    find_user_by_email,
    lock_event,
    lock_registration,
    mark_set_up,
    promote_by_hand,
    promote_from_waitlist,
    refusal_message,
    register,
    registration_problem,
    waitlist_position,
)
from .series import (
    MAX_WEEKS,
    TOO_LONG,
    SeriesPlan,
    SeriesPublication,
    create_weekly_series,
    publish_series,
    series_drafts,
)
from .speakers import save_speaker, set_event_speaker, set_speaker_photo
from .webhook import (
    WebhookRefused,
    WebhookUnavailable,
    post_to_webhook,
    set_webhook_url,
    webhook_text,
    webhook_url_problem,
)

__all__ = [
    "GUARDED_FIELDS",
    "MAX_WEEKS",
    "TIME_AND_PLACE",
    "TOO_LONG",
    "VERSION_CONFLICT",
    "AnnouncementError",
    "Availability",
    "BulkResult",
    "EventExtras",
    "HostError",
    "MyRequest",
    "RegistrationError",
    "SeriesPlan",
    "SeriesPublication",
    "WebhookRefused",
    "WebhookUnavailable",
    "add_host",
    "add_registrant",
    "announcement_email",
    "announcement_recipients",
    "availability",
    "bulk_attendance",
    "calendar_feed_of",
    "cancel",
    "cancel_event",
    "cancel_problem",
    "cancellation_problem",
    "capacity_problem",
    "change_capacity",
    "check_in",
    "check_in_problem",
    "check_not_stale",
    "create_event",
    "create_weekly_series",
    "draft_announcement",
    "draw",
    "draw_due_lotteries",
    "draw_problem",
    "duplicate_event",
    "event_facts",
    "event_version",
    "find_user_by_email",
    "host_email_context",
    "keep_first_attendances",
    "local_time_problem",
    "lock_event",
    "lock_registration",
    "lottery_settings_problem",
    "make_local",
    "mark_set_up",
    "my_request",
    "offered_audiences",
    "post_to_webhook",
    "promote_by_hand",
    "promote_from_waitlist",
    "publish_event",
    "publish_problem",
    "publish_series",
    "published_draw",
    "rate_event",
    "record_action",
    "refusal_message",
    "register",
    "registration_email_context",
    "registration_problem",
    "registrations_of",
    "registrations_with_short_code",
    "remove_host",
    "request_place",
    "requests_have_closed",
    "requests_open",
    "reset_calendar_feed",
    "revealed_seed",
    "save_speaker",
    "self_check_in",
    "self_check_in_code",
    "self_check_in_link_problem",
    "self_check_in_link_token",
    "self_check_in_offered",
    "send_announcement",
    "series_drafts",
    "set_banner",
    "set_event_speaker",
    "set_friend",
    "set_rehearsal",
    "set_speaker_photo",
    "set_webhook_url",
    "undo_check_in",
    "unique_slug",
    "update_event",
    "waitlist_position",
    "webhook_text",
    "webhook_url_problem",
    "window_problem",
    "withdraw_request",
]  # fmt: skip
