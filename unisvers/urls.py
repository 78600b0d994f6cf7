from django.urls import path

from . import views
from .views import printables, referrals

# Meeting days appear in URLs as ISO dates (2026-03-02); the views parse them (invalid → 404).
app_name = "unisvers"

urlpatterns = [
    path("", views.cohort_list, name="cohort_list"),
    path("promotions/nouvelle/", views.cohort_create, name="cohort_create"),
    path("promotions/<uuid:public_id>/", views.cohort_detail, name="cohort_detail"),
    path("promotions/<uuid:public_id>/modifier/", views.cohort_update, name="cohort_update"),
    path(
        "promotions/<uuid:public_id>/referents/",
        views.cohort_referents,
        name="cohort_referents",
    ),
    path(
        "promotions/<uuid:public_id>/calendrier/ajouter/",
        views.meeting_day_add,
        name="meeting_day_add",
    ),
    path(
        "promotions/<uuid:public_id>/calendrier/<str:day>/retirer/",
        views.meeting_day_remove,
        name="meeting_day_remove",
    ),
    path("promotions/<uuid:public_id>/registre/<str:day>/", views.register, name="register"),
    path(
        "promotions/<uuid:public_id>/emargement/<str:day>/",
        printables.attendance_sheet,
        name="attendance_sheet",
    ),
    path("promotions/<uuid:public_id>/inscrire/", views.enroll_search, name="enroll_search"),
    path(
        "promotions/<uuid:public_id>/orientations/",
        referrals.referral_import,
        name="referral_import",
    ),
    path(
        "promotions/<uuid:public_id>/inscrire/nouvelle-personne/",
        views.enroll_new_person,
        name="enroll_new_person",
    ),
    path(
        "promotions/<uuid:public_id>/inscrire/<uuid:person_id>/",
        views.enroll_intake,
        name="enroll_intake",
    ),
    path(
        "promotions/<uuid:public_id>/activites/nouvelle/",
        views.activity_create,
        name="activity_create",
    ),
    path(
        "promotions/<uuid:public_id>/activites/<uuid:activity_id>/supprimer/",
        views.activity_delete,
        name="activity_delete",
    ),
    path(
        "inscriptions/<uuid:public_id>/modifier/",
        views.enrollment_update,
        name="enrollment_update",
    ),
    path(
        "inscriptions/<uuid:public_id>/annuler/",
        views.enrollment_delete,
        name="enrollment_delete",
    ),
    path("inscriptions/<uuid:public_id>/sortie/", views.enrollment_exit, name="enrollment_exit"),
    path(
        "inscriptions/<uuid:public_id>/suivi-3-mois/",
        views.enrollment_followup_3m,
        name="enrollment_followup_3m",
    ),
    path(
        "inscriptions/<uuid:public_id>/suivi-6-mois/",
        views.enrollment_followup_6m,
        name="enrollment_followup_6m",
    ),
    path(
        "inscriptions/<uuid:public_id>/transmettre/",
        views.enrollment_handover,
        name="enrollment_handover",
    ),
    path("participants/<uuid:public_id>/", views.participant, name="participant"),
    path(
        "participants/<uuid:public_id>/parcours.pdf",
        printables.path_summary_pdf,
        name="path_summary",
    ),
    path(
        "participants/<uuid:public_id>/suivis/nouveau/",
        views.followup_create,
        name="followup_create",
    ),
    path(
        "participants/<uuid:public_id>/temoignages/nouveau/",
        views.testimonial_create,
        name="testimonial_create",
    ),
    path("suivis/<uuid:public_id>/modifier/", views.followup_update, name="followup_update"),
    path("temoignages/", views.testimonial_list, name="testimonial_list"),
    path(
        "temoignages/<uuid:public_id>/modifier/",
        views.testimonial_update,
        name="testimonial_update",
    ),
    path("a-faire/", views.todo, name="todo"),
    path("evenements/", views.event_list, name="event_list"),
    path("evenements/nouveau/", views.event_create, name="event_create"),
    path("evenements/<uuid:public_id>/", views.event_detail, name="event_detail"),
    path("objectifs/", views.target_list, name="target_list"),
]
