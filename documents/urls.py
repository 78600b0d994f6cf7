from django.urls import path

from . import views

app_name = "documents"

urlpatterns = [
    path("personne/<uuid:person_id>/joindre/", views.document_upload, name="upload"),
    path("<uuid:public_id>/", views.document_download, name="download"),
    path("<uuid:public_id>/supprimer/", views.document_delete, name="delete"),
]
