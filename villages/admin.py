"""Admin of the reference catalogue only; day-to-day work happens in the app's screens, which
journal every access and change."""

from django.contrib import admin

from ceis.bounds import BoundedModelForm

from .models import Workshop


@admin.register(Workshop)
class WorkshopAdmin(admin.ModelAdmin):
    form = BoundedModelForm
    list_display = ["title", "theme", "format", "level", "partner"]
    list_filter = ["theme", "format", "level"]
    search_fields = ["title", "partner"]
    fields = ["ref", "title", "description", "theme", "format", "level", "partner"]
