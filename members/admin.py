from allauth.account.models import EmailAddress
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.db import models
from django.db.models import Exists, OuterRef

from society.csv import csv_response

from . import services
from .models import CommitteeRole, Membership, Profile, PublicRecord, RetentionWarning, Topic, User
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


class ProfileInline(admin.StackedInline):
    model = Profile
    can_delete = False
    filter_horizontal = ["interests"]
    # Avatars are only ever set through the avatar service (checked and re-encoded).
    readonly_fields = ["avatar", "avatar_small", "welcomed_at", "created_at", "updated_at"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = ["academic_year", "source", "created_at"]
    readonly_fields = ["created_at"]


class CommitteeRoleInline(admin.TabularInline):
    model = CommitteeRole
    extra = 0
    fields = ["title", "starts_on", "ends_on", "order"]


class MembershipYearFilter(admin.SimpleListFilter):
    title = "membership year"
    parameter_name = "member_in"

    def lookups(self, request, model_admin):
        return [(str(year), academic_year_label(year)) for year in membership_years()]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.filter(memberships__academic_year=int(self.value())).distinct()
        return queryset


class CommitteeFilter(admin.SimpleListFilter):
    title = "committee"
    parameter_name = "committee"

    def lookups(self, request, model_admin):
        return [("yes", "Yes"), ("no", "No")]

    def queryset(self, request, queryset):
        # The same people members.permissions.is_committee lets into the console.
        committee = User.objects.current_committee()
        if self.value() == "yes":
            return queryset.filter(pk__in=committee)
        if self.value() == "no":
            return queryset.exclude(pk__in=committee)
        return queryset


class VerifiedEmailFilter(admin.SimpleListFilter):
    title = "verified email"
    parameter_name = "verified"

    def lookups(self, request, model_admin):
        return [("yes", "Yes"), ("no", "No")]

    def queryset(self, request, queryset):
        verified = Exists(EmailAddress.objects.filter(user=OuterRef("pk"), verified=True))
        if self.value() == "yes":
            return queryset.filter(verified)
        if self.value() == "no":
            return queryset.exclude(verified)
        return queryset


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
    form = UserChangeAdminForm
    add_form = UserCreationAdminForm
    inlines = [ProfileInline, MembershipInline, CommitteeRoleInline]
    ordering = ["email"]
    list_display = ["email", "name", "is_staff", "is_active", "date_joined"]
    list_filter = [MembershipYearFilter, CommitteeFilter, VerifiedEmailFilter, "is_staff", "is_superuser", "is_active"]
    search_fields = ["email", "name", "profile__student_number", "profile__course"]
    readonly_fields = ["date_joined", "last_login"]
    actions = ["export_csv", "renew_membership"]
    fieldsets = [
        (None, {"fields": ["email", "name", "password"]}),
        ("Permissions", {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "name", "password1", "password2"]}),
    ]

    def get_inlines(self, request, obj):
        return self.inlines if obj else []

    @admin.action(description="Export the selected users as CSV")
    def export_csv(self, request, queryset):
        users = queryset.select_related("profile").prefetch_related("memberships").order_by("email")
        rows = (user_csv_row(user) for user in users)
        return csv_response("users.csv", ["Email", "Name", "Student number", "Course", "Memberships", "Joined"], rows)

    @admin.action(description="Renew membership for this academic year")
    def renew_membership(self, request, queryset):
        year = current_academic_year()
        added = sum(services.renew_membership(user=user, year=year)[1] for user in queryset.filter(is_active=True))
        self.message_user(
            request, f"{added} renewed for {academic_year_label(year)} (the others already were).", messages.SUCCESS
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


@admin.register(CommitteeRole)
class CommitteeRoleAdmin(admin.ModelAdmin):
    list_display = ["title", "user", "starts_on", "ends_on", "order"]
    list_filter = ["title", "starts_on"]
    search_fields = ["title", "user__email", "user__name"]
    autocomplete_fields = ["user"]
    list_select_related = ["user"]
    ordering = ["order", "-starts_on"]


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
