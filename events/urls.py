from django.urls import path

from . import views

app_name = "events"

urlpatterns = [
    path("", views.home, name="home"),
    path("events/", views.event_list, name="list"),
    path("events/past/", views.past_events, name="past"),
    path("events/<slug:slug>/", views.event_detail, name="detail"),
    path("manage/", views.manage_home, name="manage"),
]
