"""The directory's filters (django-filter): they stay in the URL so a filtered list can be
bookmarked."""

import django_filters
from django import forms
from django.db.models import Q

from ceis.bounds import BoundedFilterSet
from ceis.filters import SiteFilter

from .choices import PartnerCategory
from .models import Partner


class PartnerFilter(BoundedFilterSet):
    q = django_filters.CharFilter(
        label="Rechercher",
        method="search",
        widget=forms.TextInput(attrs={"placeholder": "Nom, adresse, contact", "type": "search"}),
    )
    category = django_filters.ChoiceFilter(
        label="Catégorie", choices=PartnerCategory.choices, empty_label="Toutes"
    )
    site = SiteFilter()

    class Meta:
        model = Partner
        fields = []

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["site"].for_user(user)

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(name__icontains=value) | Q(address__icontains=value) | Q(contact__icontains=value)
        )
