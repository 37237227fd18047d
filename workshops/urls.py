from django.urls import path

from . import views

app_name = "workshops"

urlpatterns = [
    path("workshops/", views.workshop_list, name="list"),
]
