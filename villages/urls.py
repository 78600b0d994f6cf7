from django.urls import path

from . import views
from .views import printables

app_name = "villages"

urlpatterns = [
    path("ateliers/", views.workshop_list, name="workshop_list"),
    path("ateliers/nouveau/", views.workshop_create_view, name="workshop_create"),
    path("ateliers/<uuid:public_id>/modifier/", views.workshop_update_view, name="workshop_update"),
    path("seances/", views.session_week, name="session_week"),
    path("seances/mois/", views.session_month, name="session_month"),
    path("seances/passees/", views.session_past, name="session_past"),
    path("seances/nouvelle/", views.session_create_view, name="session_create"),
    path("seances/<uuid:public_id>/", views.session_detail, name="session_detail"),
    path("seances/<uuid:public_id>/modifier/", views.session_update_view, name="session_update"),
    path("seances/<uuid:public_id>/supprimer/", views.session_delete_view, name="session_delete"),
    path("seances/<uuid:public_id>/inscrire/", views.session_register, name="session_register"),
    path(
        "seances/<uuid:public_id>/personnes/",
        views.session_person_search,
        name="session_person_search",
    ),
    path("seances/<uuid:public_id>/pointage/", views.session_checkin, name="session_checkin"),
    path(
        "seances/<uuid:public_id>/emargement.pdf",
        printables.session_attendance_sheet,
        name="session_attendance_sheet",
    ),
    path("seances/<uuid:public_id>/sur-place/", views.session_walk_in, name="session_walk_in"),
    path("seances/<uuid:public_id>/anonymes/", views.session_anonymous, name="session_anonymous"),
    path(
        "inscriptions/<uuid:public_id>/annuler/",
        views.registration_cancel_view,
        name="registration_cancel",
    ),
    path(
        "inscriptions/<uuid:public_id>/presence/",
        views.registration_attendance,
        name="registration_attendance",
    ),
    path("accompagnements/", views.help_list, name="help_list"),
    path("accompagnements/nouveau/", views.help_create_view, name="help_create"),
    path("accompagnements/personnes/", views.help_person_search, name="help_person_search"),
    path("accompagnements/<uuid:public_id>/", views.help_detail, name="help_detail"),
    path("accompagnements/<uuid:public_id>/modifier/", views.help_update_view, name="help_update"),
    path("accompagnements/<uuid:public_id>/supprimer/", views.help_delete_view, name="help_delete"),
    path("accueil-libre/", views.visit_counter, name="visit_counter"),
    path("accueil-libre/<uuid:public_id>/annuler/", views.visit_undo, name="visit_undo"),
    path(
        "personnes/<uuid:person_id>/diagnostic/",
        views.assessment_create_view,
        name="assessment_create",
    ),
    path("diagnostics/<uuid:public_id>/", views.assessment_detail, name="assessment_detail"),
    path("personnes/<uuid:person_id>/", views.person_file, name="person_file"),
]
