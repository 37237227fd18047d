from allauth.account.models import EmailAddress
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from society.admin_confirmation import confirmation_page
from society.csv import csv_response

from . import services
from .models import (
    CommitteeChange,
    CommitteeRole,
    Membership,
    Profile,
    PublicRecord,
    RetentionWarning,
    SiteText,
    Topic,
    UnionListImport,
    User,
)
from .selectors import membership_years
from .years import academic_year_label, current_academic_year


class UserCreationAdminForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ["email", "name"]


class UserChangeAdminForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


class ProfileAdminForm(forms.ModelForm):
    def clean(self):
        cleaned = super().clean()
        if "student_number" in cleaned:
            # A number changed here is unconfirmed too, until the union's list confirms it.
            self.instance.set_student_number(cleaned["student_number"])
        return cleaned


class ProfileInline(admin.StackedInline):
    model = Profile
    form = ProfileAdminForm
    can_delete = False
    filter_horizontal = ["interests"]
    # Avatars are only ever set through the avatar service (checked and re-encoded);
    # a student number is confirmed only by the union's list (import_union_list).
    readonly_fields = [
        "avatar", "avatar_small", "student_number_verified_at", "welcomed_at", "created_at", "updated_at"
    ]  # fmt: skip
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = ["academic_year", "source", "created_at"]
    readonly_fields = ["created_at"]


class CommitteeRoleInline(admin.TabularInline):
    """Shown, not given here: roles are given on their own admin page or in the console (give_role)."""

    model = CommitteeRole
    extra = 0
    fields = ["title", "starts_on", "ends_on", "order"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class MembershipYearFilter(admin.SimpleListFilter):
    title = _("membership year")
    parameter_name = "member_in"

    def lookups(self, request, model_admin):
        return [(str(year), academic_year_label(year)) for year in membership_years()]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdecimal():
            return queryset.filter(memberships__academic_year=int(self.value())).distinct()
        return queryset


class CommitteeFilter(admin.SimpleListFilter):
    title = _("committee")
    parameter_name = "committee"

    def lookups(self, request, model_admin):
        return [("yes", gettext("Yes")), ("no", gettext("No"))]

    def queryset(self, request, queryset):
        # The same people members.permissions.is_committee lets into the console.
        committee = User.objects.current_committee()
        if self.value() == "yes":
            return queryset.filter(pk__in=committee)
        if self.value() == "no":
            return queryset.exclude(pk__in=committee)
        return queryset


class VerifiedEmailFilter(admin.SimpleListFilter):
    title = _("verified email")
    parameter_name = "verified"

    def lookups(self, request, model_admin):
        return [("yes", gettext("Yes")), ("no", gettext("No"))]

    def queryset(self, request, queryset):
        verified = Exists(EmailAddress.objects.filter(user=OuterRef("pk"), verified=True))
        if self.value() == "yes":
            return queryset.filter(verified)
        if self.value() == "no":
            return queryset.exclude(verified)
        return queryset


ANONYMISE_EXPLANATION = _(
    "Deleting an account anonymises it, as “Delete my account” does: the name, emails, profile, committee roles "
    "and pending emails go, seats at events to come are given back (the people waiting move up), and the "
    "anonymous row stays so that the figures keep counting. This cannot be undone."
)


def user_csv_row(user: User) -> list:
    profile = getattr(user, "profile", None)  # None for accounts that never saved a profile
    return [
        user.email,
        user.name,
        profile.student_number if profile else "",
        profile.course if profile else "",
        " ".join(m.year_label for m in sorted(user.memberships.all(), key=lambda m: m.academic_year)),
        user.date_joined.date().isoformat(),
    ]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    """Deleting an account anonymises it, as "Delete my account" does (anonymise_account):
    the row stays so the figures keep counting, and their seats at events to come go
    to the people waiting."""

    form = UserChangeAdminForm
    add_form = UserCreationAdminForm
    inlines = [ProfileInline, MembershipInline, CommitteeRoleInline]
    ordering = ["email"]
    list_display = ["email", "name", "is_staff", "is_active", "date_joined"]
    list_filter = [MembershipYearFilter, CommitteeFilter, VerifiedEmailFilter, "is_staff", "is_superuser", "is_active"]
    search_fields = ["email", "name", "profile__student_number", "profile__course"]
    readonly_fields = ["date_joined", "last_login"]
    actions = ["export_csv", "renew_membership", "anonymise_accounts"]
    fieldsets = [
        (None, {"fields": ["email", "name", "password"]}),
        (_("Permissions"), {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "name", "password1", "password2"]}),
    ]

    def get_inlines(self, request, obj):
        return self.inlines if obj else []

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # deleting is anonymising: anonymise_accounts
        return actions

    def delete_model(self, request, obj):
        self.anonymise(request, [obj])

    def delete_queryset(self, request, queryset):
        self.anonymise(request, queryset)

    def anonymise(self, request, users) -> int:
        """Anonymise each account but the admin's own. Returns how many were anonymised."""
        anonymised = 0
        for user in users:
            if user.pk == request.user.pk:
                messages.error(
                    request,
                    gettext(
                        "You cannot anonymise your own account here: ask another admin, "
                        "or use “Delete my account” on the site."
                    ),
                )
                continue
            services.anonymise_account(user=user)
            user.refresh_from_db()  # the history keeps the anonymous name, not the old email
            self.log_change(request, user, "Anonymised the account.")
            anonymised += 1
        if anonymised:
            messages.success(
                request,
                ngettext(
                    "%(count)s account anonymised: names, emails and profiles are gone, "
                    "and their seats at events to come were given back.",
                    "%(count)s accounts anonymised: names, emails and profiles are gone, "
                    "and their seats at events to come were given back.",
                    anonymised,
                )
                % {"count": anonymised},
            )
        return anonymised

    def delete_view(self, request, object_id, extra_context=None):
        user = self.get_object(request, unquote(object_id))
        if user is None or not self.has_delete_permission(request, user):
            return super().delete_view(request, object_id, extra_context)  # Django's "not found" or 403
        if request.method == "POST":
            if self.anonymise(request, [user]):
                return HttpResponseRedirect(reverse("admin:members_user_changelist"))
            return HttpResponseRedirect(reverse("admin:members_user_change", args=[user.pk]))
        return confirmation_page(
            self,
            request,
            title=gettext("Anonymise this account?"),
            explanation=ANONYMISE_EXPLANATION,
            objects=[user],
            button=gettext("Anonymise the account"),
        )

    @admin.action(description=_("Anonymise the selected accounts (as “Delete my account” does)"))
    def anonymise_accounts(self, request, queryset):
        if "post" in request.POST:
            self.anonymise(request, queryset)
            return None
        return confirmation_page(
            self,
            request,
            title=gettext("Anonymise these accounts?"),
            explanation=ANONYMISE_EXPLANATION,
            objects=queryset,
            button=gettext("Anonymise the accounts"),
            action="anonymise_accounts",
        )

    @admin.action(description=_("Export the selected users as CSV"))
    def export_csv(self, request, queryset):
        users = queryset.select_related("profile").prefetch_related("memberships").order_by("email")
        rows = (user_csv_row(user) for user in users)
        header = [
            gettext("Email"), gettext("Name"), gettext("Student number"), gettext("Course"), gettext("Memberships"),
            gettext("Joined"),
        ]  # fmt: skip
        return csv_response("users.csv", header, rows)

    @admin.action(description=_("Renew membership for this academic year"))
    def renew_membership(self, request, queryset):
        year = current_academic_year()
        added = sum(services.renew_membership(user=user, year=year)[1] for user in queryset.filter(is_active=True))
        self.message_user(
            request,
            gettext("%(count)s renewed for %(year)s (the others already were).")
            % {"count": added, "year": academic_year_label(year)},
            messages.SUCCESS,
        )


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "academic_year", "source", "created_at"]
    list_filter = ["academic_year", "source"]
    search_fields = ["user__email", "user__name"]
    autocomplete_fields = ["user"]
    list_select_related = ["user"]


class CommitteeRoleAdminForm(forms.ModelForm):
    class Meta:
        model = CommitteeRole
        fields = ["title", "user", "starts_on", "ends_on", "order"]

    def clean(self):
        cleaned = super().clean()
        title, starts_on, ends_on = (cleaned.get(name) for name in ("title", "starts_on", "ends_on"))
        if title and starts_on and ends_on:
            changing = self.instance if self.instance.pk else None
            problem = services.role_problem(title=title, starts_on=starts_on, ends_on=ends_on, ignore=changing)
            if problem:
                raise ValidationError(problem)
        return cleaned


@admin.register(CommitteeRole)
class CommitteeRoleAdmin(admin.ModelAdmin):
    """A new role is given by give_role, as in the console (logged, the holder emailed);
    a change is checked by the same rule (role_problem)."""

    form = CommitteeRoleAdminForm

    list_display = ["title", "user", "starts_on", "ends_on", "order"]
    list_filter = ["title", "starts_on"]
    search_fields = ["title", "user__email", "user__name"]
    autocomplete_fields = ["user"]
    list_select_related = ["user"]
    ordering = ["order", "-starts_on"]

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        role = services.give_role(
            user=obj.user,
            title=obj.title,
            starts_on=obj.starts_on,
            ends_on=obj.ends_on,
            order=obj.order,
            by=request.user,
        )
        obj.pk, obj.title, obj.created_at, obj.updated_at = role.pk, role.title, role.created_at, role.updated_at
        obj._state.adding = False


@admin.register(RetentionWarning)
class RetentionWarningAdmin(admin.ModelAdmin):
    """Written by the retention rules when they warn a member; read-only here."""

    list_display = ["user", "for_year", "warned_at"]
    list_filter = ["for_year", "warned_at"]
    search_fields = ["user__email", "user__name"]
    list_select_related = ["user"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(PublicRecord)
class PublicRecordAdmin(admin.ModelAdmin):
    list_display = ["user", "is_public", "updated_at"]
    list_filter = ["is_public"]
    search_fields = ["user__email", "user__name"]
    readonly_fields = ["token"]
    autocomplete_fields = ["user"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written by a service with what they record; the admin only reads them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(CommitteeChange)
class CommitteeChangeAdmin(ReadOnlyAdmin):
    """Members' log of committee changes, written by give_role and hand_over."""

    list_display = ["created_at", "action", "title", "holder", "starts_on", "ends_on", "by"]
    list_filter = ["action", "created_at"]
    search_fields = ["title", "holder__email", "holder__name"]
    list_select_related = ["holder", "by"]


@admin.register(UnionListImport)
class UnionListImportAdmin(ReadOnlyAdmin):
    """Written by import_union_list."""

    list_display = [
        "created_at",
        "academic_year",
        "filename",
        "added",
        "already_members",
        "to_review",
        "unmatched",
        "by",
    ]
    list_filter = ["academic_year"]
    list_select_related = ["by"]


@admin.register(SiteText)
class SiteTextAdmin(ReadOnlyAdmin):
    """Versions of the site's texts, saved from the console (edit_site_text refuses stale edits)."""

    list_display = ["key", "version", "edited_by", "created_at"]
    list_filter = ["key"]
    list_select_related = ["edited_by"]
