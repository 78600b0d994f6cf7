"""List filters (django-filter); they stay in the URL so a filtered list can be bookmarked."""

import django_filters
from django import forms
from django.db import connections

from ceis.bounds import BoundedFilterSet
from ceis.choices import Role
from ceis.filters import SiteFilter
from ceis.models import Person, User
from ceis.scoping import site_ids
from ceis.selectors import person_search

from .choices import DigitalTheme, Procedure, WorkshopFormat, WorkshopLevel
from .models import IndividualHelp, Session, Workshop

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _search_widget(placeholder):
    return forms.TextInput(attrs={"placeholder": placeholder, "type": "search"})


class WorkshopFilter(BoundedFilterSet):
    q = django_filters.CharFilter(
        label="Rechercher",
        field_name="title",
        lookup_expr="icontains",
        widget=_search_widget("Titre de l'atelier"),
    )
    theme = django_filters.ChoiceFilter(
        label="Thème", choices=DigitalTheme.choices, empty_label="Tous"
    )
    format = django_filters.ChoiceFilter(
        label="Format", choices=WorkshopFormat.choices, empty_label="Tous"
    )
    level = django_filters.ChoiceFilter(
        label="Niveau", choices=WorkshopLevel.choices, empty_label="Tous"
    )

    class Meta:
        model = Workshop
        fields = []


class _SiteScopedFilter(BoundedFilterSet):
    site = SiteFilter()
    date_from = django_filters.DateFilter(
        label="Du", field_name="date", lookup_expr="gte", widget=_DATE
    )
    date_to = django_filters.DateFilter(
        label="Au", field_name="date", lookup_expr="lte", widget=_DATE
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["site"].for_user(user)


class PastSessionFilter(_SiteScopedFilter):
    q = django_filters.CharFilter(
        label="Atelier",
        field_name="workshop__title",
        lookup_expr="icontains",
        widget=_search_widget("Titre de l'atelier"),
    )
    date_from = django_filters.DateFilter(
        label="Du", field_name="start__date", lookup_expr="gte", widget=_DATE
    )
    date_to = django_filters.DateFilter(
        label="Au", field_name="start__date", lookup_expr="lte", widget=_DATE
    )

    class Meta:
        model = Session
        fields = []


class HelpFilter(_SiteScopedFilter):
    q = django_filters.CharFilter(
        label="Personne",
        method="filter_q",
        widget=_search_widget("Nom, date de naissance, téléphone"),
    )
    mediator = django_filters.ModelChoiceFilter(
        label="Médiateur", queryset=User.objects.none(), empty_label="Tous"
    )
    theme = django_filters.ChoiceFilter(
        label="Thème", choices=DigitalTheme.choices, empty_label="Tous", method="filter_code"
    )
    procedure = django_filters.ChoiceFilter(
        label="Démarche", choices=Procedure.choices, empty_label="Toutes", method="filter_code"
    )
    urgent = django_filters.BooleanFilter(
        label="Urgence",
        widget=forms.Select(choices=[("", "Toutes"), ("true", "Urgentes"), ("false", "Autres")]),
    )
    ordering = django_filters.OrderingFilter(
        label="Trier par",
        fields=(("date", "date"), ("person__last_name", "nom"), ("duration_min", "duree")),
        field_labels={"date": "Date", "person__last_name": "Nom", "duration_min": "Durée"},
        empty_label="Plus récents d'abord",
    )

    class Meta:
        model = IndividualHelp
        fields = []

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        # An administrator's list offers every site's mediators: only what the option shows.
        self.filters["mediator"].queryset = (
            User.objects.filter(groups__name=Role.MEDIATEUR_NUMERIQUE, sites__in=site_ids(user))
            .distinct()
            .only("id", "username", "first_name", "last_name")
        )

    def filter_q(self, queryset, name, value):
        # The helps are already scoped to the user's sites; the persons only narrow them.
        return queryset.filter(person__in=person_search(Person.objects.all(), value).values("pk"))

    def filter_code(self, queryset, name, value):
        """The helps whose JSON list of codes holds `value`."""
        field = "themes" if name == "theme" else "procedures"
        if connections[queryset.db].vendor == "postgresql":
            # JSON containment (jsonb @>), served by the column's GIN index (migration 0004).
            return queryset.filter(**{f"{field}__contains": [value]})
        # SQLite has no JSON containment; its JSON is text, where the quoted code is found.
        return queryset.filter(**{f"{field}__icontains": f'"{value}"'})
