"""`{% plain_url "app:name" slug=thing.slug %}`: `{% url %}` for a link drawn once a row of a
long list, through society.links.reverse_plain (slug and token arguments only)."""

from django import template

from society.links import reverse_plain

register = template.Library()


@register.simple_tag
def plain_url(name: str, **kwargs) -> str:
    return reverse_plain(name, **{key: str(value) for key, value in kwargs.items()})
