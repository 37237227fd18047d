from django.urls import path

from . import views

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
    # From emails, signed (events.links): no login needed.
    path("events/links/<str:token>/cant-come/", views.cant_come, name="cant_come"),
    path("events/links/<str:token>/set-up/", views.set_up, name="set_up"),
    path("events/links/<str:token>/feedback/", views.feedback, name="feedback"),
    path("manage/", views.manage_home, name="manage"),
]
