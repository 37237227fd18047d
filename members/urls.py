from django.urls import path

from . import views

app_name = "members"

urlpatterns = [
    path("about/", views.about, name="about"),
    path("me/", views.me, name="me"),
]
