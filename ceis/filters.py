import django_filters
from django import forms

from .bounds import BoundedFilterSet
from .choices import EducationLevel, ProfessionalStatus, Sex
from .models import Neighbourhood, Person
from .selectors import person_search


class SiteFilter(django_filters.ChoiceFilter):
    """A list's site filter, offering the user's sites (`for_user`) from the list the request
    already read (`User.site_list`): no query of its own, unlike a model choice."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", "Site")
        kwargs.setdefault("field_name", "site")
        kwargs.setdefault("empty_label", "Tous les sites")
        super().__init__(choices=(), **kwargs)

    def for_user(self, user):
        self.extra["choices"] = [(site.pk, site.name) for site in user.site_list]


class PersonFilter(BoundedFilterSet):
    q = django_filters.CharFilter(
        label="Rechercher",
        method="filter_q",
        widget=forms.TextInput(
            attrs={"placeholder": "Nom, date de naissance, téléphone", "type": "search"}
        ),
    )
    site = SiteFilter()
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

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["site"].for_user(user)

    def filter_q(self, queryset, name, value):
        return person_search(queryset, value)
