"""The French typography filters (ceis/templatetags/french.py), as a reader sees them."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django import forms
from django.db.models import BLANK_CHOICE_DASH
from django.template import Context, Template
from django.utils.formats import number_format

from ceis.choices import Role, Sex
from ceis.forms import PersonForm
from ceis.models import Site
from ceis.templatetags.french import (
    accord,
    date_phrase,
    date_short,
    datetime_short,
    duree,
    mois_phrase,
    nombre,
    pluriel,
    pourcent,
    taille,
    time_fr,
)

NNBSP = "\u202f"
NBSP = "\xa0"
UTC = datetime.UTC


def test_date_phrase_writes_the_first_of_the_month_as_1er_in_lower_case():
    assert date_phrase(datetime.date(2026, 12, 1)) == "mardi 1er décembre 2026"
    assert date_phrase(datetime.date(2026, 12, 2)) == "mercredi 2 décembre 2026"
    assert date_phrase(datetime.date(2027, 8, 31)) == "mardi 31 août 2027"


def test_date_phrase_on_the_29th_of_february_of_leap_years():
    assert date_phrase(datetime.date(2028, 2, 29)) == "mardi 29 février 2028"
    assert date_phrase(datetime.date(2000, 2, 29)) == "mardi 29 février 2000"
    assert date_phrase(datetime.date(2027, 3, 1), "sans_jour") == "1er mars 2027"


def test_date_phrase_options_drop_the_weekday_or_the_year_or_add_the_time():
    day = datetime.date(2026, 12, 1)
    assert date_phrase(day, "sans_jour") == "1er décembre 2026"
    assert date_phrase(day, "sans_annee") == "mardi 1er décembre"
    assert date_phrase(day, "sans_jour sans_année") == "1er décembre"
    moment = datetime.datetime(2026, 12, 1, 13, 30, tzinfo=UTC)  # 14 h 30 in Paris
    assert date_phrase(moment, "avec_heure") == f"mardi 1er décembre 2026 à 14{NBSP}h{NBSP}30"


def test_date_phrase_uses_the_local_day_of_a_utc_datetime():
    late = datetime.datetime(2026, 11, 30, 23, 30, tzinfo=UTC)  # 0 h 30 on 1 December in Paris
    assert date_phrase(late) == "mardi 1er décembre 2026"
    assert date_short(late) == "01/12/2026"


def test_date_filters_leave_nothing_for_an_empty_value():
    assert date_phrase(None) == ""
    assert date_short("") == ""
    assert time_fr(None) == ""


def test_date_short_and_datetime_short():
    assert date_short(datetime.date(2026, 12, 1)) == "01/12/2026"
    assert date_short(datetime.date(2024, 2, 29)) == "29/02/2024"
    moment = datetime.datetime(2026, 7, 14, 7, 5, tzinfo=ZoneInfo("Europe/Paris"))
    assert datetime_short(moment) == f"14/07/2026 à 7{NBSP}h{NBSP}05"


def test_time_fr_writes_hours_with_h():
    assert time_fr(datetime.time(14, 30)) == f"14{NBSP}h{NBSP}30"
    assert time_fr(datetime.time(9, 5)) == f"9{NBSP}h{NBSP}05"
    assert time_fr(datetime.time(14, 0)) == f"14{NBSP}h"
    assert time_fr(datetime.time(0, 0)) == f"0{NBSP}h"


def test_mois_phrase_from_a_date_or_a_url_month():
    assert mois_phrase(datetime.date(2026, 12, 17)) == "décembre 2026"
    assert mois_phrase("2027-02") == "février 2027"
    assert mois_phrase("pas-un-mois") == ""


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (0, None, "0"),
        (999, None, "999"),
        (1532, None, f"1{NNBSP}532"),
        (1234567, None, f"1{NNBSP}234{NNBSP}567"),
        (-45000, None, f"-45{NNBSP}000"),
        (3.5, None, "3,5"),
        (Decimal("12.50"), None, "12,5"),
        (3.25, 1, "3,3"),
        (1234.5, 2, f"1{NNBSP}234,50"),
        (2.0, None, "2"),
    ],
)
def test_nombre_groups_thousands_with_a_narrow_space_and_uses_a_comma(value, decimals, expected):
    assert nombre(value, decimals) == expected


def test_pourcent_puts_a_no_break_space_before_the_sign():
    assert pourcent(87) == f"87{NBSP}%"
    assert pourcent(87.46, 1) == f"87,5{NBSP}%"
    assert pourcent(0) == f"0{NBSP}%"
    assert pourcent(None) == ""


@pytest.mark.parametrize(
    ("count", "expected"),
    [(0, "0 inscrit"), (1, "1 inscrit"), (2, "2 inscrits"), (1500, f"1{NNBSP}500 inscrits")],
)
def test_accord_uses_the_singular_for_0_and_1(count, expected):
    assert accord(count, "inscrit") == expected


def test_accord_puts_each_word_in_the_plural_or_takes_both_forms():
    assert accord(3, "séance passée") == "3 séances passées"
    assert accord(2, "présent·e") == "2 présent·e·s"
    assert accord(2, "bureau") == "2 bureaux"
    assert accord(2, "accès") == "2 accès"
    assert accord(2, "journal,journaux") == "2 journaux"
    assert accord(1, "journal,journaux") == "1 journal"
    assert accord(["a", "b"], "personne") == "2 personnes"


def test_pluriel_is_pluralize_with_the_french_rule():
    assert [pluriel(n) for n in (0, 1, 2)] == ["", "", "s"]
    assert pluriel(2, "al,aux") == "aux"
    assert pluriel(1, "al,aux") == "al"
    assert pluriel([1]) == ""
    assert pluriel([1, 2]) == "s"


@pytest.mark.parametrize(
    ("size", "expected"),
    [
        (0, "0 octet"),
        (1, "1 octet"),
        (850, "850 octets"),
        (12 * 1024, f"12{NBSP}Ko"),
        (1536, f"1,5{NBSP}Ko"),
        (int(1.2 * 1024 * 1024), f"1,2{NBSP}Mo"),
        (300 * 1024 * 1024, f"300{NBSP}Mo"),
        (2 * 1024**3, f"2{NBSP}Go"),
    ],
)
def test_taille_in_octets_ko_mo(size, expected):
    assert taille(size) == expected


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [
        (1108, "ms", f"1,1{NBSP}s"),
        (40, "ms", f"moins de 0,1{NBSP}s"),
        (0, "s", f"0{NBSP}s"),
        (2, "s", f"2{NBSP}s"),
        (42.4, "s", f"42{NBSP}s"),
        (125, "s", f"2{NBSP}min 05{NBSP}s"),
        (datetime.timedelta(hours=1, minutes=5), "s", f"1{NBSP}h 05{NBSP}min"),
    ],
)
def test_duree(value, unit, expected):
    assert duree(value, unit) == expected


def test_filters_in_a_template():
    template = Template(
        "{% load french %}{{ day|date_phrase }} : {{ n|accord:'inscrit' }}, "
        "{{ n }} place{{ n|pluriel }} ; {{ rate|pourcent }}"
    )
    text = template.render(Context({"day": datetime.date(2026, 12, 1), "n": 0, "rate": 87}))
    assert text == f"mardi 1er décembre 2026 : 0 inscrit, 0 place ; 87{NBSP}%"


# Django's own formats and form defaults (ceis/formats/fr/formats.py, ceis/form_renderer.py) --


def test_django_writes_dates_times_and_numbers_the_french_way():
    template = Template("{{ day }} | {{ moment }} | {{ hour }} | {{ ratio }}")
    context = Context(
        {
            "day": datetime.date(2026, 12, 1),
            "moment": datetime.datetime(2026, 12, 1, 13, 30, tzinfo=UTC),
            "hour": datetime.time(9, 5),
            "ratio": 12.5,
        }
    )
    assert template.render(context) == (
        f"01/12/2026 | 01/12/2026 à 14{NBSP}h{NBSP}30 | 9{NBSP}h{NBSP}05 | 12,5"
    )
    assert number_format(1234567, force_grouping=True) == f"1{NNBSP}234{NNBSP}567"


def test_a_date_field_accepts_a_typed_french_date_and_the_date_pickers_iso_date():
    field = forms.DateField()
    assert field.clean("1/12/2026") == datetime.date(2026, 12, 1)
    assert field.clean("01/12/26") == datetime.date(2026, 12, 1)
    assert field.clean("2026-12-01") == datetime.date(2026, 12, 1)


class _ChoiceForm(forms.Form):
    sex = forms.ChoiceField(choices=BLANK_CHOICE_DASH + list(Sex.choices), required=False)
    site = forms.ModelChoiceField(queryset=Site.objects.none(), required=False)
    neighbourhood = forms.ModelChoiceField(
        queryset=Site.objects.none(), required=False, empty_label="Tous les quartiers"
    )


def test_every_select_offers_choisir_as_its_empty_choice_unless_the_form_names_it():
    html = str(_ChoiceForm())
    assert html.count('<option value="" selected>Choisir…</option>') == 2
    assert '<option value="" selected>Tous les quartiers</option>' in html
    assert "---------" not in html


def test_a_model_forms_choice_from_its_model_offers_choisir(make_user, site, other_site):
    user = make_user(Role.TRAVAILLEUR_SOCIAL, sites=[site, other_site])
    html = str(PersonForm(user=user))
    assert "---------" not in html
    assert '<option value="" selected>Choisir…</option>' in html
