"""A member's private calendar feed: a secret address calendar apps read without logging in."""

from ..models import CalendarFeed, new_token


def calendar_feed_of(user) -> CalendarFeed:
    """The member's private feed, made on first need."""
    return CalendarFeed.objects.get_or_create(user=user)[0]


def reset_calendar_feed(*, user) -> CalendarFeed:
    """A new secret address; the old one stops working at once."""
    feed = calendar_feed_of(user)
    feed.token = new_token()
    feed.save(update_fields=["token", "updated_at"])
    return feed
