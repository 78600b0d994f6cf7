from django.urls import path

from . import views

app_name = "messaging"

urlpatterns = [
    path("personne/<uuid:public_id>/consentement/", views.consent, name="consent"),
    path("modeles/", views.templates, name="templates"),
    path("modeles/<str:code>/<str:channel>/", views.template_edit, name="template_edit"),
    path("webhook/brevo/", views.webhook_brevo, name="webhook_brevo"),
]
