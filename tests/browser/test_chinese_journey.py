"""A student who reads Chinese does everything in Chinese: chooses the language in the
footer (no JavaScript needed), signs up, confirms the email (written in Chinese), finds
an event by its Chinese title, registers, opens the ticket, and cancels; on a phone.
Takes the README's Chinese screenshots."""

import re
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

from django.utils import timezone
from playwright.sync_api import Page, expect

from events.models import Registration
from members.models import User
from tests.factories import EventFactory

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
PHONE = {"width": 390, "height": 844}


def test_a_student_signs_up_registers_and_cancels_in_chinese(page: Page, live_server, mailoutbox):
    starts = timezone.now() + timedelta(days=3)
    event = EventFactory(
        title="Diffusion models demystified",
        title_zh="扩散模型揭秘",
        summary="Bring a laptop.",
        summary_zh="动手实践课：带上笔记本电脑。",
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        capacity=30,
    )
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(live_server.url)
    page.get_by_role("button", name="简体中文").click()

    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.get_by_role("heading", name="一起学习 AI。")).to_be_visible()
    expect(page.get_by_role("link", name="扩散模型揭秘")).to_be_visible()
    page.screenshot(path=SCREENSHOTS / "home-zh.png", full_page=True)

    page.get_by_role("link", name="加入社团").first.click()
    page.get_by_label("你的姓名").fill("林薇")
    page.get_by_role("textbox", name=re.compile("邮")).first.fill("lin@uni.ac.uk")
    passwords = page.locator("input[type=password]")
    passwords.nth(0).fill("tensors-and-tea-2026")
    passwords.nth(1).fill("tensors-and-tea-2026")
    page.get_by_role("button", name="注册").click()

    lin = User.objects.get(email="lin@uni.ac.uk")
    assert lin.language == "zh-hans"
    [confirmation] = mailoutbox
    assert re.search(r"[\u4e00-\u9fff]", confirmation.subject), confirmation.subject
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", confirmation.body).group(0)
    page.goto(live_server.url + urlsplit(link).path)
    page.get_by_role("button", name="确认").click()
    expect(page.get_by_role("link", name="我的账户")).to_be_visible()

    page.set_viewport_size(PHONE)
    page.goto(live_server.url + event.get_absolute_url())
    expect(page.get_by_role("heading", level=1, name="扩散模型揭秘")).to_be_visible()
    page.screenshot(path=SCREENSHOTS / "event-zh-phone.png", full_page=True)
    page.get_by_role("button", name="报名").click()

    expect(page.get_by_role("alert")).to_contain_text("报名成功")
    registration = Registration.objects.get(user=lin, event=event)
    expect(page.get_by_role("img", name=re.compile("你的门票二维码"))).to_be_visible()
    expect(page.get_by_text(registration.short_code)).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=SCREENSHOTS / "ticket-zh-phone.png", full_page=True)

    page.get_by_role("link", name="取消我的名额").click()
    page.get_by_role("button", name="取消我的名额").click()

    registration.refresh_from_db()
    assert registration.status == Registration.Status.CANCELLED
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    assert not re.search(r"\b(registered|cancelled|your place)\b", page.inner_text("main"), re.IGNORECASE)
    subjects = [email.subject for email in mailoutbox[1:]]
    assert subjects, "no ticket email"
    assert all(re.search(r"[\u4e00-\u9fff]", subject) for subject in subjects), subjects
