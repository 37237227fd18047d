"""The workshops pages, console and messages in Simplified Chinese: a visitor who chose
it (the language cookie) or a member whose account says zh-hans reads them in Chinese."""

import re
from datetime import datetime, time, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from society.models import OutboundEmail
from tests.factories import (
    EventFactory,
    MaterialFactory,
    MembershipFactory,
    RegistrationFactory,
    SeriesSessionFactory,
    StudyGroupFactory,
    UserFactory,
    WorkshopSeriesFactory,
)
from tests.outbox import rendered
from workshops import links, services
from workshops.models import Material

pytestmark = pytest.mark.django_db

CHINESE = "zh-hans"


def in_chinese(client):
    client.cookies["django_language"] = CHINESE
    return client


def speaks_chinese(user):
    user.language = CHINESE
    user.save(update_fields=["language"])
    return user


def test_series_list_in_chinese_then_in_english_from_the_same_cache(client):
    starts = timezone.make_aware(datetime(2030, 3, 5, 18, 0))
    series = WorkshopSeriesFactory(name="Intro to ML")
    SeriesSessionFactory(series=series, event=EventFactory(starts_at=starts, ends_at=starts + timedelta(hours=2)))

    chinese = in_chinese(client).get(reverse("workshops:list")).content.decode()
    client.cookies["django_language"] = "en-gb"
    english = client.get(reverse("workshops:list")).content.decode()

    assert '<h1 class="h3">工作坊</h1>' in chinese
    assert "学期中几乎每周都有动手实践的课次" in chinese
    assert '<span class="badge text-bg-success">进行中</span>' in chinese
    assert "1 个课次 · 2030年3月5日 起" in chinese
    assert 'placeholder="搜索工作坊和资料"' in chinese
    assert "学习小组</a>定期聚会。" in chinese
    assert "1 session · from 5 March 2030" in english
    assert '<h1 class="h3">Workshops</h1>' in english


def test_series_page_in_chinese_shows_progress_and_materials(client, member):
    speaks_chinese(member)
    MembershipFactory(user=member)
    client.force_login(member)
    start = timezone.now() - timedelta(days=14)
    series = WorkshopSeriesFactory(prerequisites="Python")
    came = SeriesSessionFactory(series=series, event=EventFactory(starts_at=start, title="Week one"))
    missed = SeriesSessionFactory(
        series=series, event=EventFactory(starts_at=start + timedelta(days=7), title="Week two")
    )
    RegistrationFactory(event=came.event, user=member, checked_in_at=start)
    MaterialFactory(event=missed.event, title="Week two slides")

    text = client.get(series.get_absolute_url()).content.decode()

    assert '<h2 class="h6">开始之前</h2>' in text
    assert '<h2 class="h6">你的进度</h2>' in text
    assert "到目前为止，你出席了 2 个课次中的 1 个。" in text
    assert re.search(r'需要补上： <a href="#session-[\w-]+">Week two</a>。', text)
    assert '<span class="badge text-bg-success">已出席</span>' in text
    assert '<span class="badge text-bg-warning">已错过：去补上</span>' in text
    assert '<span class="badge text-bg-light">幻灯片（PDF）</span>' in text
    assert '<span class="text-body-secondary small">（会员）</span>' in text


def test_event_materials_page_in_chinese_tells_a_visitor_what_is_hidden(client):
    event = EventFactory(title="Week one", starts_at=timezone.now() - timedelta(days=1))
    MaterialFactory(event=event, kind=Material.Kind.LINK, visibility=Material.Visibility.PUBLIC, title="Repo")
    MaterialFactory(event=event, visibility=Material.Visibility.MEMBERS)

    text = in_chinese(client).get(reverse("workshops:event_materials", kwargs={"slug": event.slug})).content.decode()

    assert '<h1 class="h3 text-break">资料：Week one</h1>' in text
    assert '<span class="badge text-bg-light">链接</span>' in text
    assert "另有 1 份资料仅限会员查看：请<a href=" in text
    assert ">登录</a>。" in text


def test_study_groups_in_chinese(client):
    group = StudyGroupFactory(name="Paper reading", capacity=8)

    listing = in_chinese(client).get(reverse("workshops:study_groups")).content.decode()
    page = client.get(group.get_absolute_url()).content.decode()

    assert '<h1 class="h3">学习小组</h1>' in listing
    assert "围绕某个主题定期聚会的小组" in listing
    assert "Thursdays 6pm, Lab 2.14 · 已占 0/8 个名额" in listing
    assert "<p>已占 0/8 个名额。</p>" in page
    assert "登录</a>后即可加入。" in page
    assert '<h2 class="h5 mt-4">接下来的聚会</h2>' in page
    assert "暂无已安排的聚会。" in page


def test_joining_a_study_group_is_confirmed_in_chinese(client, member):
    speaks_chinese(member)
    client.force_login(member)
    group = StudyGroupFactory(name="Paper reading")

    text = client.post(reverse("workshops:study_group_join", kwargs={"slug": group.slug}), follow=True)

    assert "你已加入Paper reading。请在下方报名参加其聚会。" in text.content.decode()
    assert "退出小组" in text.content.decode()
    assert '<h2 class="h5 mt-4">成员</h2>' in text.content.decode()


def test_feedback_form_in_chinese_asks_for_an_answer(client, member):
    speaks_chinese(member)
    client.force_login(member)
    registration = RegistrationFactory(user=member, checked_in_at=timezone.now())
    url = reverse("workshops:feedback", kwargs={"slug": registration.event.slug})

    response = client.post(url, {"score": 4, "what_worked": "", "what_to_improve": ""})

    text = response.content.decode()
    assert response.status_code == 400
    assert f"你觉得“{registration.event.title}”怎么样？" in text
    assert "请至少告诉我们哪些做得好，或哪些需要改进。" in text
    assert '<legend class="form-label fs-6">你的评分</legend>' in text
    assert "提交反馈" in text


def upload(client, event, *, kind: str, name: str, content: bytes):
    data = {"kind": kind, "title": "Week 1", "visibility": "members", "upload": SimpleUploadedFile(name, content)}
    return client.post(reverse("workshops:manage_event_materials", kwargs={"slug": event.slug}), data)


def test_upload_refused_with_its_reason_in_chinese(committee_client, committee_member):
    speaks_chinese(committee_member)

    response = upload(committee_client, EventFactory(), kind="slides", name="week1.pdf", content=b"PK\x03\x04 zip")

    assert response.status_code == 400
    assert "这不是 PDF 文件：幻灯片必须是 PDF 文件（请导出为 PDF）。" in response.content.decode()
    assert Material.objects.count() == 0


def test_upload_over_the_limit_refused_in_chinese(committee_client, committee_member, settings):
    speaks_chinese(committee_member)
    settings.MATERIAL_MAX_MB = {**settings.MATERIAL_MAX_MB, "file": 1}

    response = upload(committee_client, EventFactory(), kind="file", name="data.zip", content=b"0" * (1024 * 1024 + 1))

    assert response.status_code == 400
    assert "该文件大小为 1.0 MB；此类型的上限为 1 MB。" in response.content.decode()


def test_console_materials_in_chinese_name_their_arrow_buttons(committee_client, committee_member):
    speaks_chinese(committee_member)
    event = EventFactory(title="Week one")
    MaterialFactory(event=event, title="Slides")
    url = reverse("workshops:manage_event_materials", kwargs={"slug": event.slug})

    text = committee_client.get(url).content.decode()

    assert 'aria-label="将“Slides”上移"><span aria-hidden="true">↑</span>' in text
    assert 'aria-label="将“Slides”下移"><span aria-hidden="true">↓</span>' in text
    assert 'aria-label="移除“Slides”">移除</button>' in text
    assert '<h2 class="h5 mt-4">添加资料</h2>' in text
    assert '<label class="form-label" for="id_visibility">可见范围</label>' in text


def test_console_workshops_and_study_group_in_chinese(committee_client, committee_member):
    speaks_chinese(committee_member)
    WorkshopSeriesFactory(name="Intro to ML")
    group = StudyGroupFactory(name="Paper reading", meeting_weekday=3, meeting_time=time(18), meeting_minutes=90)

    workshops = committee_client.get(reverse("workshops:manage_workshops")).content.decode()
    meetings = committee_client.get(
        reverse("workshops:manage_study_group_meetings", kwargs={"slug": group.slug})
    ).content.decode()

    assert '<h1 class="h3 mb-0">工作坊系列</h1>' in workshops
    assert '<th scope="col">系列</th><th scope="col">难度</th>' in workshops
    assert "<title>工作坊 · 管理后台" in workshops
    assert '<h1 class="h3 text-break">Paper reading的聚会</h1>' in meetings
    assert "每星期四 18:00，每次 90 分钟" in meetings
    assert "发布聚会" in meetings
    new_series = committee_client.get(reverse("workshops:manage_series_new")).content.decode()
    assert '<label class="form-label" for="id_name">名称</label>' in new_series
    assert '<label class="form-label" for="id_description">简介</label>' in new_series


def test_meeting_email_to_a_chinese_member_and_its_register_page(client, committee_member, settings):
    settings.SITE_URL = "https://society.example.ac.uk"
    group = StudyGroupFactory(
        name="Paper reading", meeting_weekday=3, meeting_time=time(18), meeting_minutes=90, capacity=8
    )
    member = speaks_chinese(UserFactory(name="Kay Keen"))
    services.join_study_group(group=group, user=member)
    today = timezone.localdate()
    thursday = today + timedelta(days=(3 - today.weekday()) % 7 or 7)

    [meeting] = services.generate_meetings(group=group, first_day=thursday, weeks=1, by=committee_member)

    [email] = rendered(OutboundEmail.objects.all())
    assert email.subject.startswith("Paper reading")
    assert "星期四" in email.subject
    [token] = re.findall(r"https://society\.example\.ac\.uk/study-groups/links/([^/\s\"]+)/register/", email.body_text)
    assert links.read_meeting_token(token) == (meeting.pk, member.pk)

    asked = in_chinese(client).get(reverse("workshops:meeting_register", kwargs={"token": token})).content.decode()
    registered = client.post(reverse("workshops:meeting_register", kwargs={"token": token}), follow=True)

    assert "Kay Keen，要报名参加这次聚会吗？" in asked
    assert '<button class="btn btn-primary" type="submit">报名</button>' in asked
    assert "星期四 18:00" in asked
    assert "Kay Keen 已报名参加“Paper reading" in registered.content.decode()
    assert "Kay Keen，你已报名成功。门票已通过邮件发送给你。" in registered.content.decode()


def test_a_study_group_full_is_refused_in_chinese(member):
    group = StudyGroupFactory(capacity=1)
    services.join_study_group(group=group, user=UserFactory())

    with translation.override(CHINESE), pytest.raises(services.WorkshopError, match="该学习小组已满。"):
        services.join_study_group(group=group, user=member)
