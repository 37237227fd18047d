from django.urls import path

from . import views
from .views import manage

app_name = "events"

urlpatterns = [
    path("", views.home, name="home"),
    path("events/", views.event_list, name="list"),
    path("events/past/", views.past_events, name="past"),
    path("events/calendar.ics", views.calendar_feed, name="calendar_feed"),
    path("events/<slug:slug>/", views.event_detail, name="detail"),
    path("events/<slug:slug>/event.ics", views.event_ics, name="event_ics"),
    path("events/<slug:slug>/register/", views.register, name="register"),
    path("me/events/", views.my_events, name="my_events"),
    path("me/events/calendar/reset/", views.reset_calendar, name="reset_calendar"),
    path("me/calendar/<slug:token>.ics", views.my_calendar, name="my_calendar"),
    path("me/tickets/<slug:token>/", views.ticket, name="ticket"),
    path("me/tickets/<slug:token>/cancel/", views.cancel_registration, name="cancel"),
    path("check-in/<slug:token>/", views.check_in, name="check_in"),
    path("events/<slug:slug>/self-check-in/", views.self_check_in, name="self_check_in"),
    path("manage/", manage.manage_home, name="manage"),
    path("manage/events/new/", manage.event_create, name="manage_event_create"),
    path("manage/events/series/", manage.series_create, name="manage_series"),
    path("manage/events/<slug:slug>/", manage.event_console, name="manage_event"),
    path("manage/events/<slug:slug>/edit/", manage.event_edit, name="manage_event_edit"),
    path("manage/events/<slug:slug>/duplicate/", manage.event_duplicate, name="manage_event_duplicate"),
    path("manage/events/<slug:slug>/preview/", manage.event_preview, name="manage_event_preview"),
    path("manage/events/<slug:slug>/publish/", manage.event_publish, name="manage_event_publish"),
    path("manage/events/<slug:slug>/cancel/", manage.event_cancel, name="manage_event_cancel"),
    path("manage/events/<slug:slug>/publish-series/", manage.series_publish, name="manage_series_publish"),
    path("manage/events/<slug:slug>/speakers/", manage.event_speakers, name="manage_event_speakers"),
    path("manage/events/<slug:slug>/speaker-feedback/", manage.speaker_feedback, name="manage_speaker_feedback"),
    path("manage/events/<slug:slug>/registrations/", manage.registrations, name="manage_registrations"),
    path("manage/events/<slug:slug>/registrations.csv", manage.registrations_csv, name="manage_registrations_csv"),
    path("manage/events/<slug:slug>/registrations/add/", manage.add_registrant, name="manage_add_registrant"),
    path(
        "manage/events/<slug:slug>/registrations/<slug:token>/promote/",
        manage.promote_registration,
        name="manage_promote",
    ),
    path(
        "manage/events/<slug:slug>/registrations/<slug:token>/cancel/",
        manage.cancel_registration,
        name="manage_cancel_registration",
    ),
    path("manage/events/<slug:slug>/door/", manage.door, name="manage_door"),
    path("manage/events/<slug:slug>/door/<slug:token>/check-in/", manage.door_check_in, name="manage_door_check_in"),
    path("manage/events/<slug:slug>/door/<slug:token>/undo/", manage.door_undo, name="manage_door_undo"),
    path("manage/events/<slug:slug>/projector/", manage.projector, name="manage_projector"),
    path("manage/events/<slug:slug>/attendance/", manage.bulk_attendance, name="manage_bulk_attendance"),
    path("manage/events/<slug:slug>/announcements/new/", manage.announcement_new, name="manage_announcement_new"),
    path(
        "manage/events/<slug:slug>/announcements/<int:announcement_id>/",
        manage.announcement_send,
        name="manage_announcement",
    ),
    path("manage/speakers/", manage.speaker_list, name="manage_speakers"),
    path("manage/speakers/new/", manage.speaker_edit, name="manage_speaker_new"),
    path("manage/speakers/<int:speaker_id>/", manage.speaker_edit, name="manage_speaker_edit"),
    path("manage/figures/", manage.term_figures, name="manage_figures"),
    path("manage/settings/", manage.console_settings, name="manage_settings"),
    # From emails, signed (events.links): no login needed.
    path("events/links/<str:token>/cant-come/", views.cant_come, name="cant_come"),
    path("events/links/<str:token>/set-up/", views.set_up, name="set_up"),
    path("events/links/<str:token>/feedback/", views.feedback, name="feedback"),
]
