"""The member's request for a place at an event whose places are drawn by lot."""

from django import forms
from django.utils.translation import gettext_lazy as _


class LotteryRequestForm(forms.Form):
    friend_email = forms.EmailField(
        label=_("Only if my friend gets a place too (their email, optional)"),
        required=False,
        max_length=254,
        help_text=_("Your friend asks too and names you: then you are both seated or both on the waiting list."),
    )
    # "Go with them": the request of someone who named this member, by its public id.
    friend_request = forms.CharField(required=False, max_length=24, widget=forms.HiddenInput)
