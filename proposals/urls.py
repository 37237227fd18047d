from django.urls import path

from . import console, views

app_name = "proposals"

urlpatterns = [
    path("propose/", views.propose, name="propose"),
    path("me/proposals/", views.my_proposals, name="my_proposals"),
    path("me/proposals/<int:proposal_id>/", views.proposal_detail, name="mine"),
    path("me/proposals/<int:proposal_id>/edit/", views.proposal_edit, name="edit"),
    path("me/proposals/invitations/<int:co_host_id>/", views.answer_invitation, name="answer_invitation"),
    path("manage/proposals/", console.queue, name="queue"),
    path("manage/proposals/<int:proposal_id>/", console.review, name="review"),
    path("manage/proposals/<int:proposal_id>/comment/", console.comment, name="comment"),
    path("manage/proposals/<int:proposal_id>/vote/", console.vote, name="vote"),
    path("manage/proposals/<int:proposal_id>/request-changes/", console.request_changes, name="request_changes"),
    path("manage/proposals/<int:proposal_id>/accept/", console.accept, name="accept"),
    path("manage/proposals/<int:proposal_id>/schedule/", console.schedule, name="schedule"),
    path("manage/proposals/<int:proposal_id>/decline/", console.decline, name="decline"),
]
