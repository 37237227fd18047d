from django import forms
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.text import format_lazy
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from society import languages
from society.forms import CheckboxChoices
from society.links import https_by_default
from society.models import EmailKind

from .avatars import render_avatar
from .models import CommitteeRole, Profile, Topic, User
from .selectors import HOLDERS, NOT_MEMBER_THIS_YEAR, counts_attendance, membership_years, people_by_email
from .services import Handover, start_welcome
from .services.site_texts import MAX_LENGTH as MAX_SITE_TEXT_LENGTH
from .union_csv import MAX_BYTES, UnionCsvError, parse_union_csv
from .years import academic_year_label, current_academic_year


class SignupForm(forms.Form):
    """Extra sign-up fields, merged by allauth into its own sign-up form."""

    name = forms.CharField(
        label=_("Your name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name", "placeholder": _("Ada Lovelace")}),
    )

    field_order = ["name", "email", "password1", "password2"]

    def signup(self, request, user) -> None:
        user.name = self.cleaned_data["name"].strip()
        user.save(update_fields=["name"])
        start_welcome(user=user)


class ProfileForm(forms.ModelForm):
    """The member's profile page. Saving is `services.update_profile(**form.profile_update())`."""

    name = forms.CharField(label=_("Your name"), max_length=150, help_text=_("How the society addresses you."))
    language = forms.CharField(
        label=_("Language"),
        required=False,
        widget=forms.Select(choices=settings.LANGUAGES),
        help_text=_("The site and your emails speak it."),
    )
    avatar_upload = forms.FileField(
        label=_("Photo"),
        required=False,
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/gif,image/webp"}),
        help_text=format_lazy(
            _("JPEG, PNG, GIF or WebP, up to {size} MB. It is cropped to a square."),
            size=settings.AVATAR_MAX_BYTES // (1024 * 1024),
        ),
    )
    remove_avatar = forms.BooleanField(label=_("Remove my photo"), required=False)

    class Meta:
        model = Profile
        fields = [
            "course",
            "year_of_study",
            "student_number",
            "bio",
            "interests",
            "github_url",
            "linkedin_url",
            "website_url",
        ]
        formfield_callback = https_by_default
        labels = {
            "course": _("Course"),
            "year_of_study": _("Year of study"),
            "student_number": _("Student number"),
            "bio": _("Bio"),
            "interests": _("Interests"),
            "website_url": _("Personal website"),
        }
        widgets = {
            "interests": CheckboxChoices,
            "bio": forms.Textarea(attrs={"rows": 3}),
            "github_url": forms.URLInput(attrs={"placeholder": _("https://github.com/you")}),
            "linkedin_url": forms.URLInput(attrs={"placeholder": _("https://www.linkedin.com/in/you")}),
            "website_url": forms.URLInput(attrs={"placeholder": "https://"}),
        }

    field_order = ["name", "language", "avatar_upload", "remove_avatar"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["name"].initial = user.name
        self.fields["language"].initial = languages.chosen(user.language) or translation.get_language()
        self.fields["interests"].queryset = Topic.objects.order_by("name")
        if "student_number" in self.fields:
            self.fields["student_number"].help_text = (
                _("As on your student card; confirmed by the students' union's list.")
                if self.instance.student_number_verified
                else _(
                    "As on your student card; the students' union's list confirms it when it gives it with "
                    "your email address."
                )
            )
        if not self.instance.avatar and "remove_avatar" in self.fields:
            del self.fields["remove_avatar"]

    def clean_language(self) -> str | None:
        """The language chosen, None when the form sent none (keep the account's). An
        unknown code is read as the default language, never an error."""
        if self.add_prefix("language") not in self.data:
            return None
        return languages.supported(self.cleaned_data["language"])

    def clean_avatar_upload(self) -> dict[int, bytes] | None:
        upload = self.cleaned_data.get("avatar_upload")
        return render_avatar(upload) if upload else None

    def profile_update(self) -> dict:
        """Keyword arguments for services.update_profile."""
        data = self.cleaned_data
        return {
            "user": self.user,
            "name": data["name"],
            "details": {name: data[name] for name in self._meta.fields if name != "interests"},
            "interests": data["interests"],
            "avatar": data.get("avatar_upload"),
            "remove_avatar": data.get("remove_avatar", False),
        }


class WelcomeForm(ProfileForm):
    """The short welcome step after signing up: the essentials, all but the name optional."""

    remove_avatar = None

    class Meta(ProfileForm.Meta):
        fields = ["course", "year_of_study", "interests"]


class DirectoryFilterForm(forms.Form):
    """The committee's filters on the member directory (GET parameters)."""

    q = forms.CharField(label=_("Name or email"), required=False, max_length=100)
    year_of_study = forms.TypedChoiceField(
        label=_("Year of study"),
        choices=[("", _("Any year")), *Profile.YearOfStudy.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )
    course = forms.CharField(label=_("Course"), required=False, max_length=100)
    interest = forms.ModelChoiceField(
        label=_("Interest"), queryset=Topic.objects.order_by("name"), to_field_name="slug", required=False
    )
    membership = forms.ChoiceField(label=_("Membership"), required=False)
    attended = forms.IntegerField(label=_("Attended at least"), required=False, min_value=0, max_value=1000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        this_year = current_academic_year()
        self.fields["interest"].empty_label = gettext("Any interest")
        self.fields["membership"].choices = [
            ("", gettext("Anyone")),
            (NOT_MEMBER_THIS_YEAR, gettext("Not a member in %(year)s") % {"year": academic_year_label(this_year)}),
            *[
                (str(year), gettext("Member in %(year)s") % {"year": academic_year_label(year)})
                for year in membership_years()
            ],
        ]
        if not counts_attendance():
            del self.fields["attended"]

    def filters(self) -> dict:
        """Keyword arguments for selectors.member_directory (none when the form is invalid)."""
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "search": data["q"].strip(),
            "year_of_study": data["year_of_study"],
            "course": data["course"].strip(),
            "interest": data["interest"],
            "membership_year": data["membership"],
            "attended_at_least": data.get("attended"),
        }


class UnionListForm(forms.Form):
    file = forms.FileField(
        label=_("Students' union membership export (CSV)"),
        help_text=_("A CSV file whose first row names the columns: an email column, a student number column, or both."),
        widget=forms.FileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                gettext("The file is larger than %(size)s MB.") % {"size": MAX_BYTES // (1024 * 1024)}
            )
        try:
            return parse_union_csv(upload.read())
        except UnionCsvError as error:
            raise forms.ValidationError(str(error)) from None


class DeleteAccountForm(forms.Form):
    email = forms.CharField(label=_("Type your email address to confirm"), max_length=254)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["email"].widget.attrs["autocomplete"] = "off"

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip()
        if email.lower() != self.user.email.lower():
            raise forms.ValidationError(gettext("That is not this account's email address: nothing was deleted."))
        return email


class EmailPreferencesForm(forms.Form):
    wanted = forms.TypedMultipleChoiceField(
        label=_("Send me"),
        choices=[(kind.value, kind.label) for kind in sorted(EmailKind.optional())],
        coerce=EmailKind,
        required=False,
        widget=CheckboxChoices,
        help_text=_("Emails about your account and your registrations always reach you."),
    )


# --- The committee's console: roles, hand-over, site texts ------------------------------


class DateInput(forms.DateInput):
    """The browser's date picker, which reads ISO dates only (whatever the site's locale prints)."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class PersonSearchInput(forms.TextInput):
    """A box for a person's email. static/js/person-search.js (the widget's media) adds
    suggestions by name or email as one types, from members:person_search; choosing one
    puts its email in the box. Without the script, typing the exact email works alike."""

    template_name = "forms/widgets/person_search.html"

    class Media:
        js = ["js/person-search.js"]

    def __init__(self, *, among: str):
        super().__init__(attrs={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"})
        self.among = among

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"]["data-person-search"] = reverse("members:person_search", args=[self.among])
        return context


class PersonField(forms.CharField):
    """One of `among`'s people (members.selectors.people_among), chosen by email: the
    cleaned value is the account, or None when left empty. `refused` is the error for an
    active account outside `among`. A form with several person fields looks them up in one
    query by giving each the same `found` (members.selectors.people_by_email)."""

    NO_ACCOUNT = _("No active account with that email.")
    NOT_AN_EMAIL = _("Type the person's whole email, or choose them from the suggestions.")

    def __init__(self, *, among: str, refused: str = "", **kwargs):
        kwargs.setdefault("help_text", _("Type a name or an email and choose from the suggestions, or type the email."))
        super().__init__(max_length=254, widget=PersonSearchInput(among=among), **kwargs)
        self.among = among
        self.refused = refused
        self.found: dict[str, tuple[User, bool]] | None = None

    def prepare_value(self, value):
        return value.email if isinstance(value, User) else value

    def clean(self, value) -> User | None:
        email = super().clean(value).strip().lower()
        if not email:
            return None
        found = self.found if self.found is not None else people_by_email([email], among=self.among)
        if email not in found:
            raise forms.ValidationError(self.NO_ACCOUNT if "@" in email else self.NOT_AN_EMAIL)
        user, eligible = found[email]
        if not eligible:
            raise forms.ValidationError(self.refused.format(person=f"{user.display_name} ({user.email})"))
        return user


def holder_field(**kwargs) -> PersonField:
    """Whom a committee role can be given to: a member of last, this or next academic year."""
    return PersonField(
        among=HOLDERS,
        refused=_("{person} is not a member this year, last year or next year: a role needs a member."),
        **kwargs,
    )


class CommitteeRoleForm(forms.Form):
    """Give a role. Saving is `services.give_role(**form.cleaned_data, by=...)`."""

    user = holder_field(label=_("Member"))
    title = forms.CharField(label=_("Title"), max_length=80, help_text=_("President, Treasurer, Events Lead…"))
    starts_on = forms.DateField(label=_("Term starts"), widget=DateInput)
    ends_on = forms.DateField(label=_("Term ends"), widget=DateInput, help_text=_("The last day of the term."))
    order = forms.IntegerField(
        label=_("Order"), min_value=0, max_value=999, initial=0, help_text=_("Lower numbers are listed first.")
    )


class HandoverForm(forms.Form):
    """Next year's committee, one row a title: `holder_<pk>` for each of this year's roles
    still to hand over (keyed by the role, so a page drawn before someone else handed a
    title over never gives the wrong one), and the term they all share."""

    starts_on = forms.DateField(label=_("Term starts"), widget=DateInput)
    ends_on = forms.DateField(label=_("Term ends"), widget=DateInput, help_text=_("The last day of the term."))

    def __init__(self, *args, roles: list[CommitteeRole], **kwargs):
        super().__init__(*args, **kwargs)
        self.roles = roles
        for role in roles:
            self.fields[f"holder_{role.pk}"] = holder_field(label=role.title, required=False, help_text="")
        if self.is_bound:
            # Every row's email in one query (a lookup per row would cost a query per row).
            names = [self.add_prefix(f"holder_{role.pk}") for role in roles]
            found = people_by_email([self.data.get(name, "") for name in names], among=HOLDERS)
            for role in roles:
                self.fields[f"holder_{role.pk}"].found = found

    def field_of(self, role: CommitteeRole):
        return self[f"holder_{role.pk}"] if role in self.roles else None

    def handovers(self) -> list[Handover]:
        return [
            Handover(title=role.title, holder=holder, order=role.order)
            for role in self.roles
            if (holder := self.cleaned_data.get(f"holder_{role.pk}"))
        ]


class SiteTextForm(forms.Form):
    """Edit one site text. Saving is `services.edit_site_text(...)`; `based_on` is the
    version the editor saw."""

    body = forms.CharField(
        label=_("Text (Markdown)"),
        required=False,
        max_length=MAX_SITE_TEXT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("**bold**, *italic*, [a link](https://…), - a list. HTML is shown as text."),
    )
    based_on = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class TopicNameForm(forms.Form):
    name = forms.CharField(label=pgettext_lazy("topic", "Name"), max_length=60)


class MergeTopicsForm(forms.Form):
    merged = forms.ModelChoiceField(
        label=_("Merge this topic"), queryset=Topic.objects.order_by("name"), to_field_name="slug"
    )
    kept = forms.ModelChoiceField(
        label=_("into this one (kept)"), queryset=Topic.objects.order_by("name"), to_field_name="slug"
    )
