"""reverse_plain: the site's own links, as reverse() writes them, for less."""

import pytest
from django.template import Context, Template
from django.urls import NoReverseMatch, reverse, set_script_prefix

from society.links import reverse_plain


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("events:detail", {"slug": "intro-to-ml-2026-10-01"}),
        ("events:ticket", {"token": "Ab3_x-9"}),
        ("workshops:manage_series_move_session", {"slug": "intro", "event_slug": "week-1"}),
    ],
)
def test_reverse_plain_writes_what_reverse_writes(name, kwargs):
    assert reverse_plain(name, **kwargs) == reverse(name, kwargs=kwargs)


def test_reverse_plain_follows_the_script_prefix():
    try:
        set_script_prefix("/society/")
        assert (
            reverse_plain("events:detail", slug="talk")
            == "/society/events/talk/"
            == reverse("events:detail", kwargs={"slug": "talk"})
        )
    finally:
        set_script_prefix("/")
    assert reverse_plain("events:detail", slug="talk") == "/events/talk/"


@pytest.mark.urls("tests.browser.urls")
def test_reverse_plain_follows_the_url_table():
    assert reverse_plain("events:detail", slug="talk") == reverse("events:detail", kwargs={"slug": "talk"})


def test_reverse_plain_leaves_other_arguments_to_reverse():
    assert reverse_plain("members:public_record", token="a b") == reverse(
        "members:public_record", kwargs={"token": "a b"}
    )
    with pytest.raises(NoReverseMatch):
        reverse_plain("events:ticket", token="not/a/slug")


def test_plain_url_tag_writes_what_the_url_tag_writes():
    template = Template(
        "{% load society_links %}{% plain_url 'workshops:manage_series_move_session' slug=s event_slug=e %}|"
        "{% url 'workshops:manage_series_move_session' slug=s event_slug=e %}"
    )

    ours, djangos = template.render(Context({"s": "intro", "e": "week-1"})).split("|")

    assert ours == djangos == "/manage/workshops/intro/sessions/week-1/move/"
