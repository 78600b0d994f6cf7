"""The form and the filters of the staff screen: roles and sites by their French names."""

import django_filters
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Fieldset, Layout, Row
from django import forms
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.db.models import Exists, OuterRef, Q

from .bounds import BoundedFilterSet, BoundedForm
from .choices import Role
from .models import Site, User
from .staff import staff_search


class StaffForm(BoundedForm):
    """Names, e-mail, roles and sites of an account. No password: the invitation sets it."""

    last_name = forms.CharField(label="Nom", max_length=150)
    first_name = forms.CharField(label="Prénom", max_length=150)
    email = forms.EmailField(
        label="Adresse e-mail",
        max_length=254,
        help_text="L'invitation y est envoyée, avec un lien pour choisir le mot de passe.",
    )
    username = forms.CharField(
        label="Identifiant de connexion",
        max_length=150,
        required=False,
        validators=[UnicodeUsernameValidator()],
        help_text="Laissé vide : prénom.nom (sans accents).",
    )
    roles = forms.MultipleChoiceField(
        label="Rôles",
        choices=Role.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choisissez au moins un rôle."},
    )
    sites = forms.ModelMultipleChoiceField(
        label="Sites",
        queryset=Site.objects.order_by("name"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Les sites dont le compte voit les personnes. Un administrateur voit tous "
        "les sites.",
    )

    def __init__(self, *args, member: User | None = None, **kwargs):
        self.member = member
        if member is not None:
            kwargs.setdefault(
                "initial",
                {
                    "last_name": member.last_name,
                    "first_name": member.first_name,
                    "email": member.email,
                    "roles": [g.name for g in member.groups.all() if g.name in Role.values],
                    "sites": list(member.sites.all()),
                },
            )
        super().__init__(*args, **kwargs)
        if member is not None:
            # The login name of an existing account does not change: it is how they sign in.
            del self.fields["username"]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Fieldset(
                "Identité",
                Row(Column("last_name"), Column("first_name")),
                Row(Column("email"), *([Column("username")] if member is None else [])),
            ),
            Fieldset("Rôles et sites", Row(Column("roles"), Column("sites"))),
        )

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        if username and User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError("Cet identifiant est déjà pris.")
        return username


class StaffFilter(BoundedFilterSet):
    STATUS_CHOICES = [
        ("actif", "Actifs"),
        ("desactive", "Désactivés"),
        ("invitation", "Invitation en attente"),
    ]

    q = django_filters.CharFilter(
        label="Rechercher",
        method="filter_q",
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": "Nom, identifiant, e-mail", "type": "search"}),
    )
    role = django_filters.ChoiceFilter(
        label="Rôle", choices=Role.choices, method="filter_role", empty_label="Tous les rôles"
    )
    site = django_filters.ModelChoiceFilter(
        label="Site",
        queryset=Site.objects.order_by("name"),
        field_name="sites",
        empty_label="Tous les sites",
    )
    status = django_filters.ChoiceFilter(
        label="Statut", choices=STATUS_CHOICES, method="filter_status", empty_label="Tous"
    )

    class Meta:
        model = User
        fields = []

    def filter_q(self, queryset, name, value):
        return staff_search(queryset, value)

    def filter_role(self, queryset, name, value):
        has_role = Q(
            Exists(User.groups.through.objects.filter(user=OuterRef("pk"), group__name=value))
        )
        if value == Role.ADMIN:
            has_role |= Q(is_superuser=True)  # a superuser has every role
        return queryset.filter(has_role)

    def filter_status(self, queryset, name, value):
        if value == "actif":
            return queryset.filter(is_active=True)
        if value == "desactive":
            return queryset.filter(is_active=False)
        return queryset.filter(password__startswith=UNUSABLE_PASSWORD_PREFIX)
