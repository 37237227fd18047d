from django.contrib import admin
from django.db import models

from . import services
from .forms import StudyGroupAdminForm
from .models import Material, SeriesSession, StudyGroup, StudyGroupMembership, WorkshopSeries


class SeriesSessionInline(admin.TabularInline):
    model = SeriesSession
    autocomplete_fields = ["event"]
    extra = 1

    def has_add_permission(self, request, obj=None):
        # A retired series takes no new sessions (workshops.services.add_session), here neither.
        return not (obj and obj.retired_at) and super().has_add_permission(request, obj)


@admin.register(WorkshopSeries)
class WorkshopSeriesAdmin(admin.ModelAdmin):
    list_display = ["name", "level", "retired_at"]
    list_filter = [("retired_at", admin.EmptyFieldListFilter)]
    readonly_fields = ["retired_at"]  # retired and brought back in the console (retire_series)
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]
    inlines = [SeriesSessionInline]

    def save_model(self, request, obj, form, change):
        services.save_series(series=obj, by=request.user)  # logged, as in the console


@admin.register(Material)
class MaterialAdmin(admin.ModelAdmin):
    """Uploads here are not checked by content: use /manage/ for new files."""

    list_display = ["title", "kind", "visibility", "event", "series", "order"]
    list_editable = ["order"]
    list_filter = ["kind", "visibility"]
    search_fields = ["title", "event__title", "series__name"]
    autocomplete_fields = ["event", "series"]
    readonly_fields = ["file", "original_name", "content_type", "size", "token", "rendered_at"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}  # as the site's own forms

    def delete_model(self, request, obj):
        services.delete_material(material=obj)  # the file goes with it

    def delete_queryset(self, request, queryset):
        for material in queryset:
            services.delete_material(material=material)


class MembershipInline(admin.TabularInline):
    """Who is in: members join and leave on the site (join_study_group keeps to the places)."""

    model = StudyGroupMembership
    fields = readonly_fields = ["user", "created_at"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(StudyGroup)
class StudyGroupAdmin(admin.ModelAdmin):
    form = StudyGroupAdminForm
    list_display = ["name", "topic", "organiser", "capacity"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["organiser", "meetings"]
    readonly_fields = ["archived_at"]  # archived through the console's new-year clean-up
    inlines = [MembershipInline]

    def save_model(self, request, obj, form, change):
        services.save_study_group(group=obj, by=request.user)  # places never below the members; logged
