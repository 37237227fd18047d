from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from .permissions import COMMITTEE_GROUP


def about(request):
    committee = get_user_model().objects.filter(groups__name=COMMITTEE_GROUP, is_active=True).order_by("name")
    return render(request, "members/about.html", {"committee": committee})


@login_required
def me(request):
    emails = EmailAddress.objects.filter(user=request.user).order_by("-primary", "email")
    return render(request, "members/me.html", {"emails": emails})
