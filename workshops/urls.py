from django.urls import path

from .views import console, files, groups, manage, public

app_name = "workshops"

urlpatterns = [
    path("workshops/", public.workshop_list, name="list"),
    path("workshops/search/", public.search, name="search"),
    path("workshops/<slug:slug>/", public.series_detail, name="series"),
    path("events/<slug:slug>/materials/", public.event_materials, name="event_materials"),
    path("events/<slug:slug>/workshop-feedback/", public.feedback, name="feedback"),
    path("materials/<str:token>/download/", files.material_download, name="material_download"),
    path("materials/<str:token>/notebook/", files.notebook, name="notebook"),
    path("materials/<str:token>/notebook/frame/", files.notebook_frame, name="notebook_frame"),
    path("study-groups/", groups.study_group_list, name="study_groups"),
    path("study-groups/<slug:slug>/", groups.study_group_detail, name="study_group"),
    path("study-groups/<slug:slug>/join/", groups.study_group_join, name="study_group_join"),
    path("study-groups/<slug:slug>/leave/", groups.study_group_leave, name="study_group_leave"),
    path(
        "study-groups/<slug:slug>/meetings/<slug:event_slug>/register/",
        groups.meeting_register_button,
        name="meeting_register_button",
    ),
    path("study-groups/links/<str:token>/register/", groups.meeting_register, name="meeting_register"),
    path("manage/workshops/", console.manage_workshops, name="manage_workshops"),
    path("manage/workshops/new/", console.series_new, name="manage_series_new"),
    path("manage/workshops/<slug:slug>/", console.series_console, name="manage_series"),
    path("manage/workshops/<slug:slug>/sessions/add/", console.series_add_session, name="manage_series_add_session"),
    path(
        "manage/workshops/<slug:slug>/sessions/<slug:event_slug>/move/",
        console.series_move_session,
        name="manage_series_move_session",
    ),
    path(
        "manage/workshops/<slug:slug>/sessions/<slug:event_slug>/remove/",
        console.series_remove_session,
        name="manage_series_remove_session",
    ),
    path("manage/workshops/<slug:slug>/retire/", console.series_retire, name="manage_series_retire"),
    path("manage/study-groups/", console.study_groups, name="manage_study_groups"),
    path("manage/study-groups/new/", console.study_group_new, name="manage_study_group_new"),
    path("manage/study-groups/archive/", console.study_groups_archive, name="manage_study_groups_archive"),
    path("manage/study-groups/<slug:slug>/", console.study_group_console, name="manage_study_group"),
    path("manage/study-groups/<slug:slug>/meetings/", console.study_group_meetings, name="manage_study_group_meetings"),
    path(
        "manage/study-groups/<slug:slug>/meetings/<slug:event_slug>/cancel/",
        console.study_group_cancel_meeting,
        name="manage_study_group_cancel_meeting",
    ),
    path("manage/workshops/<slug:slug>/materials/", manage.manage_series_materials, name="manage_series_materials"),
    path("manage/workshops/<slug:slug>/feedback/", manage.manage_series_feedback, name="manage_series_feedback"),
    path("manage/events/<slug:slug>/materials/", manage.manage_event_materials, name="manage_event_materials"),
    path("manage/events/<slug:slug>/feedback/", manage.manage_event_feedback, name="manage_event_feedback"),
    path("manage/hosted-sessions/", manage.hosted_sessions, name="manage_hosted_sessions"),
    path("manage/materials/<str:token>/move/", manage.manage_material_move, name="manage_material_move"),
    path("manage/materials/<str:token>/delete/", manage.manage_material_delete, name="manage_material_delete"),
]
