from django.urls import path

from . import languages, views

app_name = "members"

urlpatterns = [
    path("about/", views.about, name="about"),
    path("privacy/", views.privacy_policy, name="privacy_policy"),
    path("language/", languages.choose, name="language"),
    path("me/", views.me, name="me"),
    path("me/join/", views.join, name="join"),
    path("me/profile/", views.profile_edit, name="profile_edit"),
    path("me/emails/", views.edit_email_preferences, name="email_preferences"),
    path("me/record/", views.my_record, name="record"),
    path("record/<str:token>/", views.public_record, name="public_record"),
    path("me/welcome/", views.welcome, name="welcome"),
    path("me/privacy/", views.privacy, name="privacy"),
    path("me/privacy/my-data.json", views.export_data, name="export_data"),
    path("me/privacy/delete/", views.delete_account, name="delete_account"),
    path("me/sessions/", views.my_sessions, name="sessions"),
    path("me/sessions/end-others/", views.end_other_sessions, name="end_other_sessions"),
    path("manage/members/", views.directory, name="directory"),
    path("manage/members/members.csv", views.directory_export, name="directory_export"),
    path("manage/members/<int:user_id>/renew/", views.renew, name="renew"),
    path("manage/members/<int:user_id>/lapse/", views.lapse, name="lapse"),
    path("manage/members/union-list/", views.union_upload, name="union_upload"),
    path("manage/members/union-list/preview/", views.union_preview, name="union_preview"),
    path("manage/members/union-list/report/", views.union_report, name="union_report"),
    path("manage/committee/", views.committee_roles, name="committee_roles"),
    path("manage/committee/new/", views.committee_role_new, name="committee_role_new"),
    path("manage/committee/hand-over/", views.committee_handover, name="committee_handover"),
    path("manage/people/<slug:among>/", views.person_search, name="person_search"),
    path("manage/site-texts/", views.site_text_list, name="site_texts"),
    path("manage/site-texts/<str:key>/", views.site_text_edit, name="site_text_edit"),
    path("manage/topics/", views.manage_topics, name="manage_topics"),
    path("manage/topics/merge/", views.merge_topics, name="merge_topics"),
    path("manage/topics/<slug:slug>/rename/", views.rename_topic, name="rename_topic"),
]
