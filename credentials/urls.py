from django.urls import path

from . import views
from .keys import KEY_DOCUMENT_PATH

app_name = "credentials"

urlpatterns = [
    path(KEY_DOCUMENT_PATH.lstrip("/"), views.key_document, name="keys"),
    path("verify/", views.verify, name="verify"),
    path("credentials/<uuid:credential_id>/", views.credential, name="credential"),
    path("records/<str:token>/", views.snapshot, name="snapshot"),
    path("records/<str:token>/record.pdf", views.snapshot_pdf, name="snapshot_pdf"),
    path("me/record/credentials/", views.mine, name="mine"),
    path("me/record/credentials/issue/", views.issue, name="issue"),
    path("me/record/credentials/<uuid:credential_id>/credential.json", views.download, name="download"),
    path("me/record/credentials/<uuid:credential_id>/revoke/", views.revoke, name="revoke"),
    path("me/record/snapshots/new/", views.take_snapshot, name="take_snapshot"),
    path("me/record/snapshots/<str:token>/withdraw/", views.withdraw_snapshot, name="withdraw_snapshot"),
    path("manage/credentials/", views.manage, name="manage"),
    path("manage/credentials/<uuid:credential_id>/revoke/", views.manage_revoke, name="manage_revoke"),
]
