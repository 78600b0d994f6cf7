from django.urls import path

from . import views

app_name = "package"

urlpatterns = [
    path("", views.index, name="index"),
    path("importer/", views.upload, name="upload"),
    path("importer/confirmer/", views.confirm, name="confirm"),
    path("exporter/", views.download, name="download"),
    path("modele/", views.template, name="template"),
]
