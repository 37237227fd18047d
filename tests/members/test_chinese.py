"""The members' pages, the console's members pages, the account pages and the error
pages in Simplified Chinese, for a member who chose it (on their account or with the
language cookie)."""

import itertools
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from members import services
from members.models import User
from members.union_csv import UnionCsvError, parse_union_csv
from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _english_afterwards():
    """A request in Chinese leaves Chinese active in this thread (LocaleMiddleware does not
    reset it): the tests after these ones start in the default language again."""
    yield
    translation.deactivate()


def text_of(response) -> str:
    """The page's words, tags dropped and whitespace squeezed."""
    html = response.content.decode()
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def title_of(response) -> str:
    return " ".join(re.search(r"<title>(.*?)</title>", response.content.decode(), re.S).group(1).split())


@pytest.fixture
def chinese_member(db):
    return UserFactory(email="xiao@uni.ac.uk", name="Xiao Ming", language="zh-hans")


@pytest.fixture
def chinese_client(client, chinese_member):
    client.force_login(chinese_member)
    return client


@pytest.mark.django_db
def test_my_account_speaks_the_language_kept_on_the_account(chinese_client):
    response = chinese_client.get(reverse("members:me"))

    assert title_of(response).startswith("我的账户")
    assert "你好，Xiao Ming" in text_of(response)
    assert "修改密码" in text_of(response)
    assert 'lang="zh-hans"' in response.content.decode()


@pytest.mark.django_db
def test_a_visitor_with_the_language_cookie_reads_the_privacy_notice_in_chinese(client):
    client.cookies["django_language"] = "zh-hans"

    response = client.get(reverse("members:privacy_policy"))

    assert title_of(response).startswith("隐私声明")
    assert "我们保存什么，以及为什么" in text_of(response)


@pytest.mark.django_db
def test_the_about_page_in_english_and_in_chinese_are_cached_apart(client):
    english = client.get(reverse("members:about"))
    client.cookies["django_language"] = "zh-hans"
    chinese = client.get(reverse("members:about"))

    assert "Meet the committee" in text_of(english)
    assert "认识委员会" in text_of(chinese)
    assert "Meet the committee" not in text_of(chinese)


@pytest.mark.django_db
def test_profile_offers_the_language_and_keeps_the_one_chosen(member_client, member):
    page = member_client.get(reverse("members:profile_edit"))
    assert '<option value="zh-hans"' in page.content.decode()

    response = member_client.post(
        reverse("members:profile_edit"), {"name": "Mo Member", "language": "zh-hans"}, follow=True
    )

    member.refresh_from_db()
    assert member.language == "zh-hans"
    assert "你的个人资料已保存。" in text_of(response)
    assert title_of(response).startswith("我的账户")


@pytest.mark.django_db
def test_profile_reads_an_unknown_language_as_english_without_a_form_error(chinese_client, chinese_member):
    response = chinese_client.post(reverse("members:profile_edit"), {"name": "Xiao Ming", "language": "xx-klingon"})

    assert response.status_code == 302
    chinese_member.refresh_from_db()
    assert chinese_member.language == "en-gb"
    assert "Your profile is saved." in text_of(chinese_client.get(response.url))


@pytest.mark.django_db
def test_profile_without_a_language_keeps_the_account_s(chinese_client, chinese_member):
    response = chinese_client.post(reverse("members:profile_edit"), {"name": "Xiao Ming"})

    assert response.status_code == 302
    chinese_member.refresh_from_db()
    assert chinese_member.language == "zh-hans"


@pytest.mark.django_db
def test_profile_form_errors_and_labels_in_chinese(chinese_client):
    response = chinese_client.post(
        reverse("members:profile_edit"), {"name": "Xiao Ming", "github_url": "https://gitlab.com/xiao"}
    )

    assert response.status_code == 200
    assert "请输入 github.com 上的链接。" in text_of(response)
    assert "年级" in text_of(response)
    assert "一年级" in text_of(response)


@pytest.mark.django_db
def test_welcome_offers_the_language_too(chinese_client, chinese_member):
    response = chinese_client.post(reverse("members:welcome"), {"name": "Xiao Ming", "language": "en-gb"}, follow=True)

    chinese_member.refresh_from_db()
    assert chinese_member.language == "en-gb"
    assert "Thanks! Your profile is ready." in text_of(response)


@pytest.mark.django_db
def test_sessions_and_record_pages_in_chinese(chinese_client, chinese_member):
    sessions = chinese_client.get(reverse("members:sessions"))
    record = chinese_client.get(reverse("members:record"))

    assert "你的登录位置" in text_of(sessions)
    assert "分享给雇主" in text_of(record)
    assert "这里还没有内容。" in text_of(record)


@pytest.mark.django_db
def test_the_member_record_page_headings_follow_each_other(member_client, member, committee_member):
    services.give_role(user=member, title="Treasurer", starts_on=_today(), ends_on=_today(), by=committee_member)

    html = member_client.get(reverse("members:record")).content.decode()

    levels = [int(level) for level in re.findall(r"<h([1-6])", html.split("<main", 1)[-1])]
    assert levels[0] == 1
    assert all(after - before <= 1 for before, after in itertools.pairwise(levels))


def _today():
    from django.utils import timezone

    return timezone.localdate()


@pytest.mark.django_db
def test_the_console_members_directory_in_chinese(committee_client, committee_member):
    committee_member.language = "zh-hans"
    committee_member.save(update_fields=["language"])

    response = committee_client.get(reverse("members:directory"))

    assert response.status_code == 200
    assert title_of(response).startswith("会员")
    assert "上传学生会名单" in text_of(response)
    assert re.search(r"\d+ 人", text_of(response))


@pytest.mark.django_db
def test_a_refused_committee_role_explains_in_chinese(committee_client, committee_member, member):
    committee_member.language = "zh-hans"
    committee_member.save(update_fields=["language"])
    services.join_society(user=member)

    response = committee_client.post(
        reverse("members:committee_role_new"),
        {"user": member.email, "title": "Treasurer", "starts_on": "2026-09-01", "ends_on": "2026-08-01", "order": 0},
    )

    assert "Treasurer 的任期结束日期" in text_of(response)
    assert "早于开始日期" in text_of(response)


@pytest.mark.django_db
def test_union_list_problems_in_chinese():
    with translation.override("zh-hans"), pytest.raises(UnionCsvError) as refused:
        parse_union_csv(b"Name\nAda\n")

    assert str(refused.value) == "没有名为“Email”或“Student number”的列。第一行必须是列名，且至少包含这两列之一。"


@pytest.mark.django_db
def test_union_upload_form_errors_in_chinese(committee_client, committee_member):
    committee_member.language = "zh-hans"
    committee_member.save(update_fields=["language"])
    upload = SimpleUploadedFile("union.csv", b" \n", content_type="text/csv")

    response = committee_client.post(reverse("members:union_upload"), {"file": upload})

    assert title_of(response).startswith("上传学生会名单")
    assert "文件为空。" in text_of(response)


# --- allauth's pages ---------------------------------------------------------------


@pytest.fixture
def chinese_visitor(client):
    client.cookies["django_language"] = "zh-hans"
    return client


@pytest.mark.django_db
def test_log_in_page_and_its_error_in_chinese(chinese_visitor, member):
    page = chinese_visitor.get(reverse("account_login"))
    refused = chinese_visitor.post(reverse("account_login"), {"login": member.email, "password": "nope"})

    assert "忘记密码？" in text_of(page)
    assert "您提供的电子邮件地址和/或密码不正确。" in text_of(refused)


@pytest.mark.django_db
def test_sign_up_page_our_fields_and_the_university_email_rule_in_chinese(chinese_visitor, settings):
    settings.SIGNUP_EMAIL_DOMAINS = ["uni.ac.uk", "uni.edu"]

    page = chinese_visitor.get(reverse("account_signup"))
    refused = chinese_visitor.post(
        reverse("account_signup"),
        {
            "name": "Li Hua",
            "email": "li@gmail.com",
            "password1": "tensors-and-tea-2026",
            "password2": "tensors-and-tea-2026",
        },
    )

    assert "你的姓名" in text_of(page)
    assert "注册" in title_of(page)
    assert "请使用你的大学邮箱地址（以 @uni.ac.uk 或 @uni.edu 结尾）。" in text_of(refused)
    assert not User.objects.filter(email="li@gmail.com").exists()


@pytest.mark.django_db
def test_a_member_signing_up_in_chinese_keeps_chinese(chinese_visitor):
    chinese_visitor.post(
        reverse("account_signup"),
        {
            "name": "Li Hua",
            "email": "li@uni.ac.uk",
            "password1": "tensors-and-tea-2026",
            "password2": "tensors-and-tea-2026",
        },
    )

    assert User.objects.get(email="li@uni.ac.uk").language == "zh-hans"


@pytest.mark.django_db
def test_password_reset_page_in_chinese(chinese_visitor):
    response = chinese_visitor.get(reverse("account_reset_password"))

    assert "密码重置" in text_of(response)


@pytest.mark.django_db
def test_email_and_two_factor_pages_in_chinese(chinese_client):
    email = chinese_client.get(reverse("account_email"))
    two_factor = chinese_client.get(reverse("mfa_index"))
    sessions = chinese_client.get(reverse("usersessions_list"))

    assert email.status_code == two_factor.status_code == sessions.status_code == 200
    assert "更改Email" in text_of(email)  # allauth's own words
    assert "双因素身份认证" in text_of(two_factor)
    assert "会话" in text_of(sessions)


# --- Shared pieces and error pages ----------------------------------------------------


@pytest.mark.parametrize(
    ("template", "heading"),
    [
        ("400.html", "无法接受此请求"),
        ("429.html", "请求过于频繁"),
        ("500.html", "出错了"),
        ("503.html", "马上回来"),
    ],
)
@pytest.mark.django_db
def test_error_pages_in_chinese(template, heading):
    request = RequestFactory().get("/")
    with translation.override("zh-hans"):
        html = render_to_string(template, request=request)

    assert heading in html
    assert "返回首页" in html


def test_pagination_and_message_close_button_in_chinese():
    from django.core.paginator import Paginator

    page = Paginator(list(range(30)), 10).page(2)
    request = RequestFactory().get("/?page=2")
    with translation.override("zh-hans"):
        pagination = render_to_string("_pagination.html", {"page": page}, request=request)
        message = render_to_string("_messages.html", {"messages": ["已保存"]})

    assert "第 2 页，共 3 页" in pagination
    assert 'aria-label="分页"' in pagination
    assert 'aria-label="关闭"' in message
