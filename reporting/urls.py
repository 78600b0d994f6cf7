from django.urls import path

from . import views

app_name = "reporting"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("export.json", views.export, {"fmt": "json"}, name="export_json"),
    path("export.xlsx", views.export, {"fmt": "xlsx"}, name="export_xlsx"),
    path("documents/", views.document_list, name="documents"),
    path("documents/nouveau/", views.document_create, name="document_create"),
    path("documents/<uuid:public_id>/", views.document_detail, name="document"),
    path("documents/<uuid:public_id>/generer/", views.version_generate, name="generate"),
    path("versions/<uuid:public_id>/etat/", views.version_status, name="version_status"),
    path("versions/<uuid:public_id>/relancer/", views.version_retry, name="version_retry"),
    path("versions/<uuid:public_id>/pdf/", views.version_download, name="version_download"),
    path("versions/<uuid:public_id>/publier/", views.version_publish, name="version_publish"),
    path(
        "versions/<uuid:public_id>/donnees-ouvertes.zip",
        views.version_opendata,
        name="version_opendata",
    ),
]
