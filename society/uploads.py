"""Uploads per account: every view that takes files is wrapped in upload_limited.

Each picture is decoded and each file written to disk, so one account sending
files in a loop could keep the server busy or fill its storage. A request that
carries files counts against the account's rate (UPLOAD_RATE_LIMIT, allauth's
rate limiter, in the shared cache); over it, nothing is looked at or saved and
the person is told when to try again.
"""

from functools import wraps
from http import HTTPStatus

from allauth.core import ratelimit
from django.conf import settings
from django.shortcuts import render
from django.utils.translation import gettext, gettext_lazy, ngettext

UPLOAD_ACTION = "upload"  # the key of ACCOUNT_RATE_LIMITS
# "per hour", and "per 15 minutes" for a number of them (never one).
PER_PERIOD = {
    "s": gettext_lazy("per second"),
    "m": gettext_lazy("per minute"),
    "h": gettext_lazy("per hour"),
    "d": gettext_lazy("per day"),
}
PER_PERIODS = {
    "s": gettext_lazy("per %(count)s seconds"),
    "m": gettext_lazy("per %(count)s minutes"),
    "h": gettext_lazy("per %(count)s hours"),
    "d": gettext_lazy("per %(count)s days"),
}


def upload_limited(view):
    """Wrap a view (under its login or committee check) so that a request carrying
    files counts against the account's upload rate; over it, a 429 page."""

    @wraps(view)
    def limited(request, *args, **kwargs):
        if request.method == "POST" and request.FILES and not ratelimit.consume(request, action=UPLOAD_ACTION):
            return too_many_uploads(request)
        return view(request, *args, **kwargs)

    limited.upload_limited = True  # tests check every upload view carries it
    return limited


def too_many_uploads(request):
    message = gettext("You have reached the upload limit (%(rate)s). Nothing was saved: please try again later.") % {
        "rate": rate_in_words(settings.ACCOUNT_RATE_LIMITS[UPLOAD_ACTION])
    }
    return render(request, "429.html", {"message": message}, status=HTTPStatus.TOO_MANY_REQUESTS)


def rate_in_words(rate: str) -> str:
    """'30/h/user' -> '30 uploads per hour', '10/15m/user' -> '10 uploads per 15 minutes'."""
    amount, period, _per = rate.split("/")
    count, unit = period[:-1], period[-1]
    uploads = ngettext("%(count)s upload", "%(count)s uploads", int(amount)) % {"count": amount}
    per = PER_PERIOD[unit] if count in ("", "1") else PER_PERIODS[unit] % {"count": count}
    return gettext("%(uploads)s %(per)s") % {"uploads": uploads, "per": per}
