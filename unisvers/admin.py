# Unis'Vers is managed through its own screens (services keep the calendar and the journal in
# step); the admin only lists the targets for the functional administrator.
from django.contrib import admin

from ceis.bounds import BoundedModelForm

from .models import Target


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    form = BoundedModelForm
    list_display = ("site", "year", "persons")
    list_filter = ("site",)
