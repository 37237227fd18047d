# ruff: noqa: RUF001 (Chinese sentences use full-width punctuation)
"""Events in Simplified Chinese: the pages a visitor or member reads, the messages
they get, their emails and their calendar, in the language they chose. English
stays the default (the other tests read it)."""

import re
from datetime import datetime, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from icalendar import Calendar

from events import services
from events.models import Event
from society.models import EmailKind, OutboundEmail
from tests.factories import EventFactory, RegistrationFactory, UserFactory
from tests.outbox import rendered

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")


def in_chinese(client):
    client.cookies["django_language"] = "zh-hans"
    return client


def headings(html: str) -> list[int]:
    return [int(level) for level in re.findall(r"<h([1-6])[\s>]", html)]


def test_upcoming_events_page_speaks_chinese(client):
    EventFactory(title="Transformers", starts_at=datetime(2030, 12, 5, 18, 0, tzinfo=LONDON), capacity=1)

    text = in_chinese(client).get(reverse("events:list")).content.decode()

    assert '<h1 class="h3 mb-0">即将举行的活动</h1>' in text
    assert '<label class="form-label small mb-1" for="id_q">搜索</label>' in text
    assert '<option value="workshop">工作坊</option>' in text
    assert "12月5日 星期四 18:00" in text


def test_event_lists_and_page_headings_go_down_one_level_at_a_time(client):
    event = EventFactory(what_to_bring="A laptop.")
    EventFactory(starts_at=timezone.now() - timedelta(days=7))

    for url in (reverse("events:home"), reverse("events:list"), reverse("events:past"), event.get_absolute_url()):
        levels = headings(client.get(url).content.decode())
        assert levels[0] == 1
        assert all(after - before <= 1 for before, after in pairwise(levels)), (url, levels)


def test_full_event_says_so_in_words_in_chinese(client):
    event = EventFactory(capacity=1)
    RegistrationFactory(event=event)

    text = in_chinese(client).get(event.get_absolute_url()).content.decode()

    assert "已满员（共 1 个名额）" in text
    assert "已满员——加入候补名单" not in text  # a visitor is asked to log in first
    assert "登录后报名" in text


def test_member_who_chose_chinese_registers_and_is_told_in_chinese(client):
    member = UserFactory(language="zh-hans")
    event = EventFactory(title="Transformers")
    client.force_login(member)

    response = client.post(reverse("events:register", kwargs={"slug": event.slug}), follow=True)

    assert [str(message) for message in response.context["messages"]] == [
        "报名成功。你的门票在下面，也会通过邮件发送给你。"
    ]


def test_ticket_in_chinese_has_a_text_alternative_and_its_short_code(client):
    member = UserFactory(language="zh-hans")
    registration = RegistrationFactory(user=member)
    client.force_login(member)

    text = client.get(registration.get_absolute_url()).content.decode()

    assert f'aria-label="你的门票二维码，门票码 {registration.short_code}"' in text
    assert f'门票码：<strong class="ticket-code font-monospace">{registration.short_code}</strong>' in text
    assert "请在签到处出示这个二维码，或者报出门票码。" in text


def test_ticket_email_to_a_chinese_speaking_member_is_in_chinese():
    member = UserFactory(name="李雷", language="zh-hans")
    event = EventFactory(title="Transformers", starts_at=datetime(2030, 12, 5, 18, 0, tzinfo=LONDON))

    services.register(event=event, user=member)

    email = rendered(OutboundEmail.objects.get(kind=EmailKind.REGISTRATION))
    assert email.subject == "报名成功：Transformers"
    assert email.body_text.startswith(
        "李雷，你好：\n\n你已获得名额。到时见！\n\nTransformers\n时间：2030年12月5日 星期四 18:00 – 20:00 GMT\n"
    )
    assert "<p>你已获得名额。到时见！</p>" in email.body_html
    assert '<html lang="zh-hans">' in email.body_html


def test_the_same_email_to_an_english_speaking_member_stays_english():
    member = UserFactory(name="Rae Reader")
    event = EventFactory(title="Transformers", starts_at=datetime(2030, 12, 5, 18, 0, tzinfo=LONDON))

    services.register(event=event, user=member)

    email = rendered(OutboundEmail.objects.get(kind=EmailKind.REGISTRATION))
    assert email.subject == "You're registered: Transformers"
    assert "When: Thursday 5 December 2030, 18:00 – 20:00 GMT" in email.body_text


def test_waiting_list_email_in_chinese_says_the_position():
    event = EventFactory(title="Tiny room", capacity=1)
    RegistrationFactory(event=event)

    services.register(event=event, user=UserFactory(language="zh-hans"))

    email = rendered(OutboundEmail.objects.get(kind=EmailKind.REGISTRATION))
    assert email.subject == "候补名单：Tiny room（你排第 1 位）"


def test_personal_calendar_speaks_its_owner_language(client):
    member = UserFactory(language="zh-hans")
    RegistrationFactory(user=member, event=EventFactory(venue="", online_url="https://meet.example.com/x"))
    feed = services.calendar_feed_of(member)

    calendar = Calendar.from_ical(client.get(reverse("events:my_calendar", kwargs={"token": feed.token})).content)

    assert str(calendar["X-WR-CALNAME"]).endswith("：我的活动")
    [item] = calendar.walk("VEVENT")
    assert str(item["LOCATION"]) == "线上"


def test_registration_refusal_is_in_the_active_language():
    event = EventFactory(status=Event.Status.CANCELLED)

    with translation.override("zh-hans"), pytest.raises(services.RegistrationError, match=r"^本活动已取消。$"):
        services.register(event=event, user=UserFactory())
