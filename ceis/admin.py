"""Django's admin (`/administration/`): superusers only, and journalled (security.md row 19).

Staff accounts are managed by admins at `/equipe/`; this site is the technician's tool of last
resort. Whoever else opens it gets the French 403 page, and the refusal is journalled. Every
addition, change and deletion made here writes an entry to the access journal, for every
registered model (ours and those of the libraries), like the application's own changes.
"""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import UserChangeForm as BaseUserChangeForm
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied

from .bounds import BoundedFormMixin, BoundedModelForm
from .choices import JournalAction, Role
from .models import JournalEntry, Neighbourhood, Person, Site, User
from .services import journal_record

# Who may enter ---------------------------------------------------------------------------------


def _superusers_only(request) -> bool:
    return request.user.is_active and request.user.is_superuser


admin.site.has_permission = _superusers_only
_admin_login = admin.site.login


def _admin_login_or_refuse(request, extra_context=None):
    """Django's admin sends a logged-in user it refuses to its own login page, which invites
    them to sign in as someone else; here they get the 403 page instead (journalled)."""
    if request.user.is_authenticated and not _superusers_only(request):
        raise PermissionDenied("L'administration technique est réservée aux superutilisateurs.")
    return _admin_login(request, extra_context)


admin.site.login = _admin_login_or_refuse
admin.site.index_title = "Administration technique (superutilisateurs)"

# Every change made through the admin goes to the access journal ------------------------------
# Django's admin calls these three methods of ModelAdmin for each addition, change and deletion
# (deletions before they happen, so the reference is still there). Wrapping them once, on the
# base class, covers every registered model, including those registered by the libraries.

_ADMIN_FIELDS = "_ceis_admin_changed_fields"
_base_construct_change_message = admin.ModelAdmin.construct_change_message
_base_log_addition = admin.ModelAdmin.log_addition
_base_log_change = admin.ModelAdmin.log_change
_base_log_deletions = admin.ModelAdmin.log_deletions


def _changed_fields(form, formsets) -> list[str]:
    """Names of the fields a form changed (never their values); a password counts once."""
    names = {"password" if name.startswith("password") else name for name in form.changed_data}
    for formset in formsets or ():
        if formset.has_changed():
            names.add(formset.model._meta.model_name)
    return sorted(names)


def _construct_change_message(self, request, form, formsets, add=False):
    setattr(request, _ADMIN_FIELDS, _changed_fields(form, formsets))
    return _base_construct_change_message(self, request, form, formsets, add)


def _journal(request, objects, action, fields=None):
    payload = {"via": "administration"}
    if fields:
        payload["fields"] = fields
    for obj in objects:
        journal_record(action=action, user=request.user, obj=obj, request=request, payload=payload)


def _log_addition(self, request, obj, message):
    entry = _base_log_addition(self, request, obj, message)
    _journal(request, [obj], JournalAction.CREATE)
    return entry


def _log_change(self, request, obj, message):
    entry = _base_log_change(self, request, obj, message)
    _journal(request, [obj], JournalAction.UPDATE, getattr(request, _ADMIN_FIELDS, None))
    return entry


def _log_deletions(self, request, queryset):
    entries = _base_log_deletions(self, request, queryset)
    _journal(request, list(queryset), JournalAction.DELETE)
    return entries


admin.ModelAdmin.construct_change_message = _construct_change_message
admin.ModelAdmin.log_addition = _log_addition
admin.ModelAdmin.log_change = _log_change
admin.ModelAdmin.log_deletions = _log_deletions

# The models ------------------------------------------------------------------------------------

# Roles are groups whose permissions come from each app's perms.py through data migrations:
# editing them here would make the code and the database disagree.
admin.site.unregister(Group)


class RoleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return Role(obj.name).label


class UserChangeForm(BoundedFormMixin, BaseUserChangeForm):
    # Not even a summary of the password hash: "Changer le mot de passe" is a link of its own.
    password = None

    class Meta(BaseUserChangeForm.Meta):
        model = User
        fields = (
            "username",
            "first_name",
            "last_name",
            "email",
            "is_active",
            "is_superuser",
            "groups",
            "sites",
        )


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = UserChangeForm
    fieldsets = (
        ("Identité", {"fields": ("username", "first_name", "last_name", "email")}),
        ("Rôles et sites", {"fields": ("groups", "sites")}),
        (
            "Statut",
            {
                "fields": ("is_active", "is_superuser"),
                "description": "Un superutilisateur a tous les droits et entre dans cette "
                "administration technique ; les comptes de l'équipe se gèrent dans « Équipe ».",
            },
        ),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    readonly_fields = ("last_login", "date_joined")
    filter_horizontal = ("sites",)
    list_display = ("username", "last_name", "first_name", "email", "is_active", "last_login")
    list_filter = ("is_active", "is_superuser", "sites")

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups":
            kwargs["queryset"] = Group.objects.filter(name__in=Role.values).order_by("name")
            kwargs["form_class"] = RoleChoiceField
            kwargs["widget"] = forms.CheckboxSelectMultiple
            kwargs["label"] = "Rôles"
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(Site)
class SiteAdmin(admin.ModelAdmin):
    form = BoundedModelForm
    list_display = ("code", "name", "address")
    search_fields = ("code", "name")


@admin.register(Neighbourhood)
class NeighbourhoodAdmin(admin.ModelAdmin):
    form = BoundedModelForm
    list_display = ("code", "name", "centre_ville", "qpv_code")
    list_filter = ("centre_ville",)
    search_fields = ("code", "name")


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    form = BoundedModelForm
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
