"""The links apps offer to a page (society.hooks), for templates:
`{% hook_links "console_event_tabs" slug=event.slug as tabs %}` gives each tab's
`name`, `label`, `url` and `active` (whether it is the page being shown)."""

from django import template

from society import hooks

register = template.Library()


@register.simple_tag(takes_context=True)
def hook_links(context, hook: str, **url_kwargs) -> list[hooks.ShownLink]:
    request = context.get("request")
    return hooks.links(hook, path=request.path if request else "", **url_kwargs)
