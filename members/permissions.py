"""Who may do what. The one answer to "is this person on the committee?"

Every view, template and test asks `is_committee`. Three things grant it:
being a superuser, being in the Committee group (given by an admin), and
holding a committee role whose term includes today (it ends with the term).
The rule itself is `User.objects.current_committee()`, which lists these people.
"""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from society import page_cache

from .models import COMMITTEE_GROUP, User  # COMMITTEE_GROUP is imported from here too
from .two_factor import second_factor_required


def is_committee(user) -> bool:
    """True when `user` may use the committee console."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    # Asked several times per request (view, navigation): remember the answer, and
    # across requests under the version of the tables it reads (society.page_cache).
    if not hasattr(user, "_is_committee"):
        user._is_committee = page_cache.remember(
            f"is-committee:{user.pk}",
            ("members", "auth"),
            lambda: User.objects.current_committee().filter(pk=user.pk).exists(),
        )
    return user._is_committee


def committee_group() -> Group:
    """The group whose members are the committee (created by a migration; made again if deleted)."""
    return Group.objects.get_or_create(name=COMMITTEE_GROUP)[0]


def committee_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Visitors are sent to log in; members who are not on the committee get 403; the
    committee, to set up or confirm their second factor first (members.two_factor)."""
    guarded = second_factor_required(view)

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not is_committee(request.user):
            raise PermissionDenied(_("This page is for the committee."))
        return guarded(request, *args, **kwargs)

    return wrapper
