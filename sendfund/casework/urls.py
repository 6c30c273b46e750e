from django.urls import path

from sendfund.core.downloads import list_paths

from . import views

app_name = "casework"
C = "manage/casework/<str:reference>/"
urlpatterns = [
    *list_paths("manage/casework/", views.queue, "queue"),
    *list_paths("manage/casework/awards/", views.awards, "awards"),
    *list_paths("manage/casework/payments/", views.payments_list, "payments-list"),
    *list_paths("manage/casework/invitations/", views.invitations, "invitations"),
    path("manage/emails/", views.emails, name="emails"),
    path("manage/emails/<int:pk>/retry/", views.email_retry, name="email-retry"),
    path("manage/casework/invitations/<slug:code>/", views.invite, name="invite"),
    path("manage/casework/invitations/<slug:code>/contact/", views.cluster_contact, name="cluster-contact"),
    path("manage/casework/applications/<int:pk>/acknowledge/", views.acknowledge, name="acknowledge"),
    path(C, views.case_detail, name="case-detail"),
    path(C + "assign/", views.assign, name="assign"),
    path(C + "meeting/", views.meeting, name="meeting"),
    path(C + "meeting/notes/", views.meeting_notes, name="meeting-notes"),
    path(C + "meeting.ics", views.meeting_ics, name="meeting-ics"),
    path(C + "steps/<slug:name>/", views.move, name="move"),
    path(C + "declare/", views.declare, name="declare"),
    path(C + "review/", views.review, name="review"),
    path(C + "moderation/", views.moderation, name="moderation"),
    path(C + "request-information/", views.request_information, name="request-information"),
    path(C + "recommend/", views.recommend, name="recommend"),
    path(C + "decide/", views.decide, name="decide"),
    path(C + "letter/", views.letter, name="letter"),
    path(C + "letter.pdf", views.letter_pdf, name="letter-pdf"),
    path(C + "payments/", views.payments, name="payments"),
    path(C + "withdraw/", views.withdraw, name="withdraw"),
    *list_paths("apply/funding-decisions/", views.apply_cases, "apply-cases"),
    path("apply/funding-decisions/<str:reference>/", views.apply_case, name="apply-case"),
    path("apply/funding-decisions/<str:reference>/meeting.ics", views.apply_meeting_ics, name="apply-meeting-ics"),
    path("apply/funding-decisions/<str:reference>/letter.pdf", views.apply_letter_pdf, name="apply-letter-pdf"),
    path("apply/funding-decisions/<str:reference>/accept/", views.apply_accept, name="apply-accept"),
    *list_paths("apply/requests/", views.apply_requests, "apply-requests"),
    path("apply/requests/<int:pk>/", views.apply_answer, name="apply-answer"),
]
