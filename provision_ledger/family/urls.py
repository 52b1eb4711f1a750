from django.urls import path

from provision_ledger.family import views

urlpatterns = [
    path("sign-up/", views.sign_up, name="family-sign-up"),
    path("sign-up/<str:token>/", views.sign_up_confirm, name="family-sign-up-confirm"),
    path("family/", views.family_home, name="family-home"),
    path("family/children/new/", views.child_add, name="family-child-add"),
    path("family/children/<int:family_child_id>/", views.child_page, name="family-child"),
    path("family/children/<int:family_child_id>/plan/", views.plan_read, name="family-plan-read"),
    path("family/children/<int:family_child_id>/entries/new/", views.entry_add, name="family-entry-add"),
    path(
        "family/children/<int:family_child_id>/records-request/", views.records_request, name="family-records-request"
    ),
    path("family/children/<int:family_child_id>/invite-school/", views.school_invite, name="family-school-invite"),
    path("family/children/<int:family_child_id>/confirm-school/", views.school_confirm, name="family-school-confirm"),
    path("family/children/<int:family_child_id>/record.json", views.record_export, name="family-record-export"),
    path("family/children/<int:family_child_id>/record.pdf", views.record_pdf, name="family-record-pdf"),
    path("family/children/<int:family_child_id>/delete/", views.record_delete, name="family-record-delete"),
    path("family/entries/<int:entry_id>/share/", views.entry_share, name="family-entry-share"),
    path("family/letters/<int:request_id>/records-request.pdf", views.records_request_pdf, name="family-records-pdf"),
    path(
        "family/letters/<int:request_id>/records-request.docx", views.records_request_docx, name="family-records-docx"
    ),
    path("family/children/<int:family_child_id>/next-steps/", views.next_steps, name="family-next-steps"),
    path("family/children/<int:family_child_id>/letters/<str:kind>/", views.letter_write, name="family-letter-write"),
    path("family/letters/<int:request_id>/answer/", views.records_answer, name="family-records-answer"),
    path("family/sent/<int:letter_id>/", views.letter_detail, name="family-letter"),
    path("family/sent/<int:letter_id>/letter.<str:extension>", views.letter_download, name="family-letter-download"),
    path("school-invitations/<str:token>/", views.school_accept, name="family-school-accept"),
]
