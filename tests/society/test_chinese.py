# ruff: noqa: RUF001 (Chinese sentences use full-width punctuation)
"""What the shared society package says, in Simplified Chinese: the unsubscribe
pages, the kinds of email, the upload limit and image refusals."""

import pytest
from django.urls import reverse
from django.utils import translation

from society.emails import unsubscribe_token
from society.images import TOO_MANY_PIXELS
from society.models import EmailKind
from society.uploads import rate_in_words
from tests.factories import UserFactory


@pytest.mark.django_db
def test_unsubscribe_page_asks_in_chinese(client):
    member = UserFactory()
    client.cookies["django_language"] = "zh-hans"
    url = reverse("email_unsubscribe", kwargs={"token": unsubscribe_token(member, EmailKind.ANNOUNCEMENT)})

    text = client.get(url).content.decode()

    assert '<h1 class="h3">确定退订？</h1>' in text
    assert "你将不再收到 AI Society 的<strong>委员会公告</strong>。" in text
    assert '<button type="submit" class="btn btn-society">退订</button>' in text


@pytest.mark.django_db
def test_invalid_unsubscribe_link_says_so_in_chinese(client):
    client.cookies["django_language"] = "zh-hans"

    response = client.get(reverse("email_unsubscribe", kwargs={"token": "not-a-token"}))

    assert response.status_code == 404
    assert '<h1 class="h3">此退订链接无效</h1>' in response.content.decode()


def test_email_kinds_are_named_in_the_active_language():
    with translation.override("zh-hans"):
        assert [str(EmailKind.REMINDER.label), str(EmailKind.DIGEST.label)] == ["活动提醒", "每周活动汇总"]
    assert str(EmailKind.REMINDER.label) == "Event reminders"


@pytest.mark.parametrize(
    ("rate", "words"),
    [("30/h/user", "每小时 30 次上传"), ("1/d/user", "每天 1 次上传"), ("10/15m/user", "每 15 分钟 10 次上传")],
)
def test_the_upload_rate_is_told_in_chinese(rate, words):
    with translation.override("zh-hans"):
        assert rate_in_words(rate) == words


def test_image_refusal_is_in_the_active_language():
    with translation.override("zh-hans"):
        assert str(TOO_MANY_PIXELS) == "图片像素太多：上限为 16 百万像素（4000×4000）。"
    assert str(TOO_MANY_PIXELS) == "That image has too many pixels: the limit is 16 megapixels (4000 by 4000)."
