from django.urls import path

from . import views

app_name = "appointments"

urlpatterns = [
    path("agenda/", views.agenda_day, name="agenda_day"),
    path("agenda/semaine/", views.agenda_week, name="agenda_week"),
    path("nouveau/", views.appointment_create, name="create"),
    path("<uuid:public_id>/", views.appointment_update, name="update"),
    path("<uuid:public_id>/statut/", views.appointment_status, name="status"),
    path("<uuid:public_id>/convocation/", views.appointment_convocation, name="convocation_pdf"),
    path("horaires/", views.hours, name="hours"),
    path("abonnement/", views.feed_settings, name="feed_settings"),
    path("ical/<str:token>/", views.feed, name="feed"),
]
