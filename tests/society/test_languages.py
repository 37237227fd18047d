"""Which language a page speaks: the footer's switcher, the member's account, the
browser; and what an unknown language falls back to."""

import pytest
from django.urls import reverse

from society import formats, languages
from tests.factories import UserFactory
from tests.logins import log_in

SWITCH = "/language/"


def html_lang(response) -> str:
    return response.content.decode().split("<html lang=", 1)[1].split(">", 1)[0].strip('"')


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("zh-hans", "zh-hans"),
        ("ZH_Hans", "zh-hans"),
        ("en-gb", "en-gb"),
        ("fr", "en-gb"),
        ("", "en-gb"),
        (None, "en-gb"),
    ],
)
def test_an_unknown_language_is_read_as_english(given, expected):
    assert languages.supported(given) == expected


def test_a_visitor_reads_the_language_of_their_browser_until_they_choose(db, client):
    english = client.get("/about/")
    chinese = client.get("/about/", headers={"accept-language": "zh-CN,zh;q=0.9,en;q=0.5"})

    assert (english["Content-Language"], html_lang(english)) == ("en-gb", "en-gb")
    assert (chinese["Content-Language"], html_lang(chinese)) == ("zh-hans", "zh-hans")
    assert "Accept-Language" in chinese["Vary"]


def test_the_switcher_keeps_a_visitors_choice_in_a_cookie_and_goes_back(db, client):
    response = client.post(SWITCH, {"language": "zh-hans", "next": "/events/?page=2"})

    assert (response.status_code, response["Location"]) == (302, "/events/?page=2")
    assert response.cookies["django_language"].value == "zh-hans"
    page = client.get("/about/", headers={"accept-language": "en-GB"})
    assert (page["Content-Language"], html_lang(page)) == ("zh-hans", "zh-hans")
    assert "语言" in page.content.decode()


@pytest.mark.parametrize("language", ["klingon", "", "../../etc", "zh-hans\r\nSet-Cookie: x=1"])
def test_an_unknown_language_in_the_switcher_is_english_with_no_error(db, client, language):
    response = client.post(SWITCH, {"language": language, "next": "/about/"})

    assert (response.status_code, response["Location"]) == (302, "/about/")
    assert response.cookies["django_language"].value == "en-gb"
    assert client.get("/about/")["Content-Language"] == "en-gb"


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "javascript:alert(1)", ""])
def test_the_switcher_goes_back_only_to_this_site(db, client, target):
    response = client.post(SWITCH, {"language": "zh-hans", "next": target})

    assert response["Location"] == "/"


def test_the_switcher_answers_only_a_post(db, client):
    assert client.get(SWITCH, {"language": "zh-hans"}).status_code == 405


def test_a_members_choice_is_kept_on_their_account_and_wins_over_the_browser(db, client):
    member = UserFactory()
    log_in(client, member)

    client.post(SWITCH, {"language": "zh-hans", "next": "/me/"})
    client.cookies.pop("django_language")  # another browser, say, in English
    page = client.get("/about/", headers={"accept-language": "en-GB"})

    member.refresh_from_db()
    assert member.language == "zh-hans"
    assert (page["Content-Language"], html_lang(page)) == ("zh-hans", "zh-hans")


def test_a_cross_site_post_changes_no_account(db):
    from django.test import Client

    member = UserFactory(language="en-gb")
    client = Client(enforce_csrf_checks=True)
    log_in(client, member)

    response = client.post(SWITCH, {"language": "zh-hans", "next": "/"})

    member.refresh_from_db()
    assert (response.status_code, member.language) == (302, "en-gb")


def test_an_unknown_language_kept_on_an_account_is_read_as_the_browsers(db, client):
    member = UserFactory(language="xx")  # written around the form, say by an old import
    log_in(client, member)

    page = client.get("/about/", headers={"accept-language": "en-GB"})

    assert (page.status_code, page["Content-Language"]) == (200, "en-gb")


def test_a_new_member_keeps_the_language_they_signed_up_in(db, client):
    client.post(SWITCH, {"language": "zh-hans", "next": "/"})

    client.post(
        reverse("account_signup"),
        {
            "name": "Lin",
            "email": "lin@uni.ac.uk",
            "password1": "a long pass phrase 42",
            "password2": "a long pass phrase 42",
        },
    )

    from members.models import User

    assert User.objects.get(email="lin@uni.ac.uk").language == "zh-hans"


@pytest.mark.parametrize(
    ("language", "name", "expected"),
    [
        ("en-gb", "long_datetime", "Saturday 5 December 2026, 18:00"),
        ("zh-hans", "long_datetime", "2026年12月5日 星期六 18:00"),
        ("en-gb", "date", "5 Dec 2026"),
        ("zh-hans", "date", "2026年12月5日"),
        ("zh-hans", "time_zone", "18:00 GMT"),
    ],
)
def test_dates_are_written_in_the_readers_language_in_the_societys_time_zone(language, name, expected):
    from datetime import UTC, datetime

    assert formats.when(datetime(2026, 12, 5, 18, 0, tzinfo=UTC), name, language) == expected


def test_a_text_written_in_chinese_too_is_shown_to_readers_of_chinese_only():
    from django.utils import translation

    from society.templatetags.society_languages import in_reading_language

    event = {"title": "Diffusion models", "title_zh": "扩散模型", "summary": "Bring a laptop.", "summary_zh": ""}

    with translation.override("zh-hans"):
        chinese = (in_reading_language(event, "title"), in_reading_language(event, "summary"))
    with translation.override("en-gb"):
        english = (in_reading_language(event, "title"), in_reading_language(event, "summary"))

    assert chinese == ("扩散模型", "Bring a laptop.")  # no Chinese summary written: the original
    assert english == ("Diffusion models", "Bring a laptop.")
