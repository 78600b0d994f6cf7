import django_filters
from django import forms

from .bounds import BoundedFilterSet
from .choices import EducationLevel, ProfessionalStatus, Sex
from .models import Neighbourhood, Person, Site
from .selectors import person_search


class PersonFilter(BoundedFilterSet):
    q = django_filters.CharFilter(
        label="Rechercher",
        method="filter_q",
        widget=forms.TextInput(
            attrs={"placeholder": "Nom, date de naissance, téléphone", "type": "search"}
        ),
    )
    site = django_filters.ModelChoiceFilter(
        label="Site", queryset=Site.objects.none(), empty_label="Tous les sites"
    )
    neighbourhood = django_filters.ModelChoiceFilter(
        label="Quartier", queryset=Neighbourhood.objects.all(), empty_label="Tous les quartiers"
    )
    sex = django_filters.ChoiceFilter(label="Sexe", choices=Sex.choices, empty_label="Tous")
    status = django_filters.ChoiceFilter(
        label="Situation", choices=ProfessionalStatus.choices, empty_label="Toutes"
    )
    education_level = django_filters.ChoiceFilter(
        label="Niveau d'études", choices=EducationLevel.choices, empty_label="Tous"
    )
    ordering = django_filters.OrderingFilter(
        label="Trier par",
        fields=(("last_name", "nom"), ("birth_date", "naissance"), ("created_at", "creation")),
        # Keyed by model field (the descending labels by "-" + the URL's name): django-filter
        # otherwise makes "Creation" out of the URL's name.
        field_labels={
            "last_name": "Nom",
            "birth_date": "Date de naissance",
            "created_at": "Date de création",
        },
        empty_label="Nom (A→Z)",
    )

    class Meta:
        model = Person
        fields = []

    def __init__(self, *args, sites=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["site"].queryset = sites if sites is not None else Site.objects.none()

    def filter_q(self, queryset, name, value):
        return person_search(queryset, value)
