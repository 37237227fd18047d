"""The committee console in Simplified Chinese, and what its pages owe assistive
technology: the door reads out its search results, every label points at a field,
headings do not skip a level."""

import re
from datetime import datetime
from html.parser import HTMLParser
from itertools import pairwise

import pytest
from django.urls import reverse
from django.utils import timezone

from events.figures import ComparedFigure, period_label
from members import terms
from tests.factories import EventFactory, RegistrationFactory, SpeakerFactory, TopicFactory, UserFactory

pytestmark = pytest.mark.django_db


def url(name: str, **kwargs) -> str:
    return reverse(f"events:{name}", kwargs=kwargs)


@pytest.fixture
def chinese_client(committee_client):
    committee_client.cookies["django_language"] = "zh-hans"
    return committee_client


class Page(HTMLParser):
    """What a test reads of a page: headings in order, labels' `for`, elements by id, the text."""

    def __init__(self, html: str):
        super().__init__()
        self.headings: list[int] = []
        self.label_targets: list[str | None] = []
        self.ids: dict[str, dict] = {}
        self.text: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        if tag == "label":
            self.label_targets.append(attributes.get("for"))
        if "id" in attributes:
            self.ids[attributes["id"]] = attributes

    def handle_data(self, data):
        self.text.append(data)

    @property
    def words(self) -> str:
        return " ".join(" ".join(self.text).split())


def page(response) -> Page:
    assert response.status_code == 200
    return Page(response.content.decode())


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_console_home_is_in_chinese(chinese_client):
    EventFactory(title="Transformers", starts_at=timezone.make_aware(datetime(2030, 12, 7, 18, 0)))

    shown = page(chinese_client.get(url("manage"))).words

    assert "委员会管理后台" in shown
    assert "新活动" in shown
    assert "每周系列" in shown
    assert "12月7日 星期六 18:00" in shown


def test_event_console_is_in_chinese_with_chinese_dates(chinese_client):
    event = EventFactory(title="Transformers", starts_at=timezone.make_aware(datetime(2030, 12, 7, 18, 0)))

    shown = page(chinese_client.get(url("manage_event", slug=event.slug))).words

    assert "2030年12月7日 星期六 18:00" in shown
    for words in ("概览", "编辑", "报名", "签到处", "讲者", "发公告", "委员会操作记录", "导出 CSV"):
        assert words in shown


def test_registrations_page_counts_in_chinese(chinese_client):
    event = EventFactory(capacity=30)
    RegistrationFactory(event=event)

    shown = page(chinese_client.get(url("manage_registrations", slug=event.slug))).words

    assert "已确认 1 / 30 · 候补 0 · 已取消 0 · 已签到 0" in shown
    assert "候补名单（0）" in shown


def test_adding_a_walk_in_is_confirmed_in_chinese(chinese_client):
    event = EventFactory(underway=True)
    UserFactory(name="Zara Quinn", email="zara@uni.ac.uk")

    response = chinese_client.post(
        url("manage_add_registrant", slug=event.slug), {"email": "zara@uni.ac.uk", "check_in": "on"}, follow=True
    )

    assert messages_of(response) == ["Zara Quinn 已报名并签到。"]


def test_event_form_refuses_in_chinese(chinese_client):
    form = {"title": "Transformers", "kind": "workshop", "starts_at": "2030-10-07T18:00", "ends_at": "2030-10-07T17:00"}

    response = chinese_client.post(url("manage_event_create"), form)

    assert response.context["form"].errors["ends_at"] == ["活动的结束时间必须晚于开始时间。"]
    assert "添加讲者" in page(response).words


def test_figures_page_is_in_chinese(chinese_client):
    shown = page(chinese_client.get(url("manage_figures"))).words

    for words in ("数据统计", "缺席率", "首次参加者", "各活动出席情况", "下载 CSV", "学年", "全学年"):
        assert words in shown


def test_a_period_and_a_change_in_points_are_named_in_the_readers_language(settings):
    from django.utils import translation

    period = terms.period(year=2026, term="autumn")
    change = ComparedFigure("No-show rate", 20.0, 30.0, percent=True)

    with translation.override("zh-hans"):
        assert (period_label(period), change.change_shown) == ("2026/27 秋季学期", "\u221210.0 个百分点")
    with translation.override("en-gb"):
        assert (period_label(period), change.change_shown) == ("Autumn 2026/27", "\u221210.0 pts")


def test_speaker_digest_refusal_is_in_chinese(chinese_client):
    event = EventFactory()
    speaker = SpeakerFactory(name="Ada", email="ada@example.org")
    chinese_client.post(
        url("manage_event_speakers", slug=event.slug), {"speaker": speaker.pk, "invite_status": "invited", "order": 0}
    )

    response = chinese_client.post(
        url("manage_speaker_feedback", slug=event.slug), {"action": "send", "speaker": speaker.pk}, follow=True
    )

    assert messages_of(response)[-1] == "活动尚未结束：还没有可发送的反馈。"


def test_emails_page_is_in_chinese(chinese_client):
    shown = page(chinese_client.get(url("manage_emails"))).words

    for words in ("邮件", "最近 30 天", "发送失败", "没有发送失败的邮件。"):
        assert words in shown


def test_writing_an_announcement_is_in_chinese(chinese_client):
    EventFactory(title="Transformers")

    response = chinese_client.get(url("manage_announcement_create"))

    shown = page(response).words
    for words in ("新公告", "收件人", "主题", "正文", "纯文本。", "预览"):
        assert words in shown
    assert '<optgroup label="某个活动的所有报名者">' in response.content.decode()


def test_weekly_series_form_is_in_chinese(chinese_client):
    shown = page(chinese_client.get(url("manage_series"))).words

    for words in ("每周系列", "星期三", "时长（分钟）", "周数", "创建草稿"):
        assert words in shown


def test_the_door_has_a_live_region_with_the_count_of_people_found(committee_client):
    event = EventFactory()
    RegistrationFactory(event=event, user=UserFactory(name="Zara Quinn"))
    RegistrationFactory(event=event, user=UserFactory(name="Ben Adams"))

    door = page(committee_client.get(url("manage_door", slug=event.slug)))

    region = door.ids["door-found"]
    assert (region["aria-live"], region["class"]) == ("polite", "visually-hidden")
    assert "2 people found" in door.words


@pytest.mark.parametrize(
    ("language", "words", "sentence"),
    [("en-gb", "quin", "1 person found"), ("en-gb", "nobody", "No one found"), ("zh-hans", "quin", "找到 1 人")],
)
def test_a_search_at_the_door_writes_its_count_into_the_live_region(committee_client, language, words, sentence):
    committee_client.cookies["django_language"] = language
    event = EventFactory()
    RegistrationFactory(event=event, user=UserFactory(name="Zara Quinn"))

    response = committee_client.get(
        url("manage_door", slug=event.slug), {"q": words}, HTTP_HX_REQUEST="true", HTTP_HX_TRIGGER="door-q"
    )

    found = page(response).ids["door-found"]
    assert found["hx-swap-oob"] == "innerHTML"
    assert (
        re.search(r'<p id="door-found" hx-swap-oob="innerHTML">\s*(.*?)\s*</p>', response.content.decode())[1]
        == sentence
    )


def test_the_door_refreshing_itself_does_not_read_the_count_out_again(committee_client):
    event = EventFactory()
    RegistrationFactory(event=event)

    response = committee_client.get(url("manage_door", slug=event.slug), HTTP_HX_REQUEST="true")

    assert "door-found" not in page(response).ids


def test_the_door_in_chinese(chinese_client):
    event = EventFactory(underway=True)
    RegistrationFactory(event=event, user=UserFactory(name="Zara Quinn"), checked_in_at=timezone.now())

    shown = page(chinese_client.get(url("manage_door", slug=event.slug))).words

    assert "应到 1 人，已签到 1 人" in shown
    assert "撤销" in shown
    assert "未报名的现场来宾" in shown


def console_pages(event) -> list[str]:
    return [
        url("manage"),
        url("manage_event", slug=event.slug),
        url("manage_event_create"),
        url("manage_event_edit", slug=event.slug),
        url("manage_registrations", slug=event.slug),
        url("manage_door", slug=event.slug),
        url("manage_event_speakers", slug=event.slug),
        url("manage_speaker_feedback", slug=event.slug),
        url("manage_announcement_new", slug=event.slug),
        url("manage_announcement_create"),
        url("manage_announcements"),
        url("manage_bulk_attendance", slug=event.slug),
        url("manage_event_duplicate", slug=event.slug),
        url("manage_event_cancel", slug=event.slug),
        url("manage_series"),
        url("manage_speakers"),
        url("manage_speaker_new"),
        url("manage_figures"),
        url("manage_emails"),
        url("manage_settings"),
    ]


@pytest.fixture
def busy_event():
    TopicFactory()
    SpeakerFactory()
    event = EventFactory()
    RegistrationFactory(event=event)
    return event


def test_every_label_of_the_console_points_at_a_field(committee_client, busy_event):
    for address in console_pages(busy_event):
        shown = page(committee_client.get(address))

        assert all(shown.label_targets), address
        assert all(target in shown.ids for target in shown.label_targets), address


def test_tick_box_groups_of_the_event_form_are_named_by_a_legend(committee_client, busy_event):
    html = committee_client.get(url("manage_event_create")).content.decode()

    assert re.search(r"<fieldset[^>]*>\s*<legend[^>]*>Topics</legend>", html)
    assert re.search(r"<fieldset[^>]*>\s*<legend[^>]*>Add speakers</legend>", html)


def test_headings_of_the_console_do_not_skip_a_level(committee_client, busy_event):
    for address in console_pages(busy_event):
        levels = page(committee_client.get(address)).headings

        assert levels[0] == 1, address
        assert all(later <= earlier + 1 for earlier, later in pairwise(levels)), (address, levels)


def test_the_admins_event_actions_are_in_chinese(admin_client):
    admin_client.cookies["django_language"] = "zh-hans"
    EventFactory()

    shown = page(admin_client.get(reverse("admin:events_event_changelist"))).words

    for words in ("取消（并给所有报名者留言）", "导出报名为 CSV", "从候补名单递补空出的名额"):
        assert words in shown
