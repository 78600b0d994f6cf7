from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import JournalEntry, Neighbourhood, Person, Site, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (*BaseUserAdmin.fieldsets, ("Sites", {"fields": ("sites",)}))
    filter_horizontal = ("groups", "user_permissions", "sites")
    list_display = ("username", "first_name", "last_name", "is_active", "last_login")


@admin.register(Site)
class SiteAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "address")
    search_fields = ("code", "name")


@admin.register(Neighbourhood)
class NeighbourhoodAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "centre_ville", "qpv_code")
    list_filter = ("centre_ville",)
    search_fields = ("code", "name")


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ("last_name", "first_name", "birth_date", "birth_year", "site")
    list_filter = ("site",)
    search_fields = ("name_key", "phone_key")
    readonly_fields = ("public_id", "created_at", "updated_at")


@admin.register(JournalEntry)
class JournalEntryAdmin(admin.ModelAdmin):
    """Read-only: the journal is append-only (security.md row 4)."""

    list_display = ("at", "username", "action", "object_type", "object_ref")
    list_filter = ("action",)
    search_fields = ("username", "object_ref")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
