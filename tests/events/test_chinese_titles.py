"""An event's optional Chinese title and summary: written by the committee in the console,
shown to people reading in Chinese (pages, lists, emails, calendars), never to others;
the description stays as written."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from icalendar import Calendar

from events import services
from events.models import Event
from society.models import EmailKind, OutboundEmail
from tests.events.test_console_views import EVENT_FORM
from tests.factories import EventFactory, UserFactory
from tests.outbox import rendered

pytestmark = pytest.mark.django_db

FUTURE = datetime(2030, 12, 5, 18, 0, tzinfo=UTC)


def bilingual_event(**fields) -> Event:
    return EventFactory(
        title="Diffusion models demystified",
        title_zh="扩散模型揭秘",
        summary="Bring a laptop.",
        summary_zh="请带上笔记本电脑。",
        description="Written in English only.",
        starts_at=FUTURE,
        ends_at=FUTURE + timedelta(hours=2),
        **fields,
    )


def test_the_committee_writes_a_chinese_title_and_summary_in_the_console(committee_client):
    data = {**EVENT_FORM, "title_zh": "注意力机制", "summary_zh": "动手实践课。"}

    response = committee_client.post(reverse("events:manage_event_create"), data)

    assert response.status_code == 302
    assert Event.objects.values_list("title", "title_zh", "summary_zh").get() == (
        "Transformers",
        "注意力机制",
        "动手实践课。",
    )


def test_the_console_form_offers_them_and_they_may_stay_empty(committee_client):
    form = committee_client.get(reverse("events:manage_event_create")).content.decode()
    response = committee_client.post(reverse("events:manage_event_create"), EVENT_FORM)

    assert 'name="title_zh"' in form
    assert "Optional: shown to people reading in Chinese." in form
    assert response.status_code == 302
    assert Event.objects.values_list("title_zh", "summary_zh").get() == ("", "")


def test_a_reader_of_chinese_sees_them_on_the_lists_and_the_event_page(client):
    event = bilingual_event()
    client.cookies["django_language"] = "zh-hans"

    listing = client.get(reverse("events:list")).content.decode()
    page = client.get(event.get_absolute_url()).content.decode()

    assert "扩散模型揭秘" in listing
    assert "请带上笔记本电脑。" in listing
    assert "Diffusion models demystified" not in listing
    assert "<title>扩散模型揭秘" in page
    assert "Written in English only." in page


def test_a_reader_of_english_never_sees_them(client):
    event = bilingual_event()

    listing = client.get(reverse("events:list")).content.decode()
    page = client.get(event.get_absolute_url()).content.decode()

    assert "Diffusion models demystified" in listing
    assert "扩散模型" not in listing + page


def test_without_a_chinese_title_a_reader_of_chinese_gets_the_original(client):
    EventFactory(title="Pizza social", starts_at=FUTURE, ends_at=FUTURE + timedelta(hours=2))
    client.cookies["django_language"] = "zh-hans"

    assert "Pizza social" in client.get(reverse("events:list")).content.decode()


def test_emails_and_calendars_use_the_recipients_language():
    event = bilingual_event()
    chinese, english = UserFactory(language="zh-hans"), UserFactory(language="en-gb")

    services.register(event=event, user=chinese)
    services.register(event=event, user=english)

    emails = rendered(OutboundEmail.objects.filter(kind=EmailKind.REGISTRATION).order_by("user__language"))
    assert [(email.user.language, event.title_zh in email.subject) for email in emails] == [
        ("en-gb", False),
        ("zh-hans", True),
    ]
    assert "Diffusion models demystified" in emails[0].subject


def test_the_personal_calendar_of_a_reader_of_chinese_carries_the_chinese_title(client):
    member = UserFactory(language="zh-hans")
    services.register(event=bilingual_event(), user=member)
    feed = services.calendar_feed_of(member)

    calendar = Calendar.from_ical(client.get(reverse("events:my_calendar", kwargs={"token": feed.token})).content)

    [item] = calendar.walk("VEVENT")
    assert str(item["SUMMARY"]) == "扩散模型揭秘"
    assert str(item["DESCRIPTION"]).startswith("请带上笔记本电脑。")


def test_a_copy_of_the_event_keeps_them():
    event = bilingual_event()

    copy = services.duplicate_event(event=event, starts_at=FUTURE + timedelta(weeks=1), by=UserFactory())

    assert (copy.title_zh, copy.summary_zh) == ("扩散模型揭秘", "请带上笔记本电脑。")
