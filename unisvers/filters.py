import django_filters
from django import forms
from django.db.models import Q

from ceis.bounds import BoundedFilterSet
from ceis.filters import SiteFilter

from .choices import CohortStatus, EventKind


class CohortFilter(BoundedFilterSet):
    q = django_filters.CharFilter(
        label="Rechercher",
        field_name="name",
        lookup_expr="icontains",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Nom de la promotion"}),
    )
    site = SiteFilter()
    status = django_filters.ChoiceFilter(
        label="Statut", choices=CohortStatus.choices, empty_label="Tous", method="filter_status"
    )
    year = django_filters.NumberFilter(label="Année", method="filter_year")
    ordering = django_filters.OrderingFilter(
        label="Trier par",
        fields=(("start_date", "debut"), ("name", "nom"), ("enrolled", "inscrits")),
        field_labels={
            "start_date": "Date de début (ancienne d'abord)",
            "-debut": "Date de début (récente d'abord)",
            "name": "Nom (A→Z)",
            "-nom": "Nom (Z→A)",
            "enrolled": "Inscrits (moins d'abord)",
            "-inscrits": "Inscrits (plus d'abord)",
        },
        empty_label="Date de début (récente d'abord)",
    )

    class Meta:
        model = None
        fields = []

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["site"].for_user(user)

    def filter_status(self, queryset, name, value):
        return queryset.with_status(value)

    def filter_year(self, queryset, name, value):
        # A cohort belongs to every year it overlaps.
        year = int(value)
        return queryset.filter(Q(start_date__year__lte=year) & Q(end_date__year__gte=year))


class EventFilter(BoundedFilterSet):
    q = django_filters.CharFilter(
        label="Rechercher",
        field_name="title",
        lookup_expr="icontains",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Intitulé"}),
    )
    kind = django_filters.ChoiceFilter(label="Type", choices=EventKind.choices, empty_label="Tous")
    year = django_filters.NumberFilter(label="Année", field_name="date", lookup_expr="year")

    class Meta:
        model = None
        fields = []


class TestimonialFilter(BoundedFilterSet):
    q = django_filters.CharFilter(
        label="Rechercher",
        method="filter_q",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Prénom ou texte"}),
    )
    publication_consent = django_filters.BooleanFilter(
        label="Consentement à la publication",
        widget=forms.Select(choices=[("", "Tous"), ("true", "Oui"), ("false", "Non")]),
    )

    class Meta:
        model = None
        fields = []

    def filter_q(self, queryset, name, value):
        return queryset.filter(Q(display_name__icontains=value) | Q(quote__icontains=value))
