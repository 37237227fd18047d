"""Texts that people wrote in two languages: `{{ event|in_reading_language:"title" }}`.

An event may carry a Chinese title and summary beside the ones it was written with
(`title_zh`, `summary_zh`): see society.languages.in_reading_language.
"""

from django import template

from society.languages import in_reading_language

register = template.Library()
register.filter("in_reading_language", in_reading_language)
