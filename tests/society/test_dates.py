"""society_dates: the cheaper date filter writes what Django's date filter writes."""

from datetime import UTC, datetime

import pytest
from django.template import Context, Template


@pytest.mark.parametrize(
    "moment",
    [
        datetime(2026, 12, 5, 18, 0, tzinfo=UTC),  # winter: London is UTC
        datetime(2026, 7, 1, 23, 30, tzinfo=UTC),  # summer: already 2 July in London
        datetime(2027, 3, 28, 0, 59, tzinfo=UTC),  # the night the clocks go forward
    ],
)
def test_short_datetime_writes_what_the_date_filter_writes_in_local_time(moment):
    ours = "{{ moment|short_datetime }} {{ moment|short_day }}"
    djangos = '{{ moment|date:"D j M Y, H:i" }} {{ moment|date:"j M" }}'
    template = Template(f"{{% load society_dates %}}{ours}|{djangos}")

    ours, djangos = template.render(Context({"moment": moment})).split("|")

    assert ours == djangos


def test_short_datetime_of_nothing_is_empty():
    template = Template("{% load society_dates %}[{{ nothing|short_datetime }}{{ nothing|short_day }}]")

    assert template.render(Context({})) == "[]"
