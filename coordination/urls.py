from django.urls import path

from . import views

app_name = "coordination"

urlpatterns = [
    path("partenaires/", views.partner_list, name="partner_list"),
    path("partenaires/nouveau/", views.partner_create, name="partner_create"),
    path("partenaires/<uuid:public_id>/", views.partner_update, name="partner_update"),
    path("partenaires/<uuid:public_id>/supprimer/", views.partner_delete, name="partner_delete"),
    path(
        "orientations/depuis-un-suivi/<uuid:public_id>/",
        views.orientation_create_from_followup,
        name="orientation_from_followup",
    ),
    path(
        "orientations/depuis-un-accompagnement/<uuid:public_id>/",
        views.orientation_create_from_help,
        name="orientation_from_help",
    ),
    path(
        "orientations/depuis-une-sortie/<uuid:public_id>/",
        views.orientation_create_from_exit,
        name="orientation_from_exit",
    ),
    path("orientations/<uuid:public_id>/", views.orientation_detail, name="orientation_detail"),
    path(
        "orientations/<uuid:public_id>/statut/",
        views.orientation_status,
        name="orientation_status",
    ),
    path(
        "orientations/<uuid:public_id>/fiche-de-liaison/",
        views.orientation_sheet,
        name="orientation_sheet_pdf",
    ),
]
