"""Event views: public pages, the member's tickets, the committee console."""

from .links import cant_come, feedback, set_up
from .public import calendar_feed, event_detail, event_ics, event_list, home, past_events
from .strikes import contest_strike, my_strikes
from .tickets import (
    cancel_registration,
    check_in,
    my_calendar,
    my_events,
    register,
    reset_calendar,
    self_check_in,
    self_check_in_link,
    ticket,
)

__all__ = [
    "calendar_feed",
    "cancel_registration",
    "cant_come",
    "check_in",
    "contest_strike",
    "event_detail",
    "event_ics",
    "event_list",
    "feedback",
    "home",
    "my_calendar",
    "my_events",
    "my_strikes",
    "past_events",
    "register",
    "reset_calendar",
    "self_check_in",
    "self_check_in_link",
    "set_up",
    "ticket",
]
