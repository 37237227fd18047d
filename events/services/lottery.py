"""Lottery registration: requests in a window, then a reproducible, weighted draw.
(Being written: see issue 18.)"""

from datetime import datetime


def draw_due_lotteries(*, now: datetime) -> int:
    """Draw every lottery event whose requests have closed and that is not drawn yet. Returns how many."""
    return 0
