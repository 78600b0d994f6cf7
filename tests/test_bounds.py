"""Every input is bounded and refused in French (security.md row 20): one test per bound, with
the last value accepted and the first refused, and the message a user reads."""

import datetime
import importlib
import io

import django_filters
import pytest
from django import forms
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from ceis import bounds
from ceis.bounds import BoundedFilterSet, BoundedFormMixin, date_max
from ceis.choices import Role
from ceis.models import Person
from reporting.forms import PeriodForm
from reporting.models import BilanDocument
from unisvers.filters import CohortFilter
from unisvers.forms import ActivityForm, EventForm, MeetingDayForm, TargetForm
from unisvers.models import Cohort, CollectiveActivity, MeetingDay
from unisvers.services import cohort_create
from unisvers.tests.factories import CohortFactory, EnrollmentFactory
from villages.forms import SessionCreateForm, WorkshopForm

DAY = datetime.timedelta(days=1)
TODAY = timezone.localdate()
LATEST = date_max()
RANGE_MESSAGE = (
    f"La date doit être comprise entre le 1er janvier 1900 et le {bounds.french_date(LATEST)}."
)


def _errors(form) -> list[str]:
    form.is_valid()
    return [message for messages in form.errors.values() for message in messages]


# Dates --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "accepted"),
    [("1900-01-01", True), ("1899-12-31", False), ("0001-01-01", False)],
)
def test_a_date_starts_on_1_january_1900(value, accepted):
    form = MeetingDayForm({"date": value, "label": ""})
    assert form.is_valid() is accepted
    if not accepted:
        assert form.errors["date"] == [RANGE_MESSAGE]


@pytest.mark.parametrize(
    ("value", "accepted"),
    [(LATEST, True), (LATEST + DAY, False), (datetime.date(9999, 12, 31), False)],
)
def test_a_date_ends_five_years_ahead(value, accepted):
    form = MeetingDayForm({"date": value.isoformat(), "label": ""})
    assert form.is_valid() is accepted
    if not accepted:
        assert form.errors["date"] == [RANGE_MESSAGE]


def test_five_years_ahead_of_29_february_is_28_february():
    assert bounds.date_max(datetime.date(2028, 2, 29)) == datetime.date(2033, 2, 28)


def test_a_date_field_tells_the_browser_its_bounds():
    html = str(MeetingDayForm()["date"])
    assert 'min="1900-01-01"' in html
    assert f'max="{LATEST.isoformat()}"' in html


@pytest.mark.django_db
def test_a_datetime_is_bounded_like_a_date(site, make_user):
    from villages.forms import SessionForm

    user = make_user(Role.ADMIN)
    form = SessionForm({"start": "0001-01-01T10:00"}, user=user)
    assert "start" in form.errors
    form = SessionForm({"start": f"{LATEST + DAY}T10:00"}, user=user)
    assert form.errors["start"] == [RANGE_MESSAGE]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("value", "message"),
    [
        (TODAY, None),
        (TODAY + DAY, "La date de naissance est dans le futur."),
        (datetime.date(1900, 1, 1), None),
        (
            datetime.date(1899, 12, 31),
            "La date de naissance ne peut pas être antérieure au 1er janvier 1900.",
        ),
    ],
)
def test_a_birth_date_is_from_1900_to_today(client_for, site, value, message):
    client = client_for(Role.TRAVAILLEUR_SOCIAL)
    response = client.post(
        reverse("persons:create"),
        {
            "site": site.pk,
            "last_name": "Bornes",
            "first_name": "Aïcha",
            "birth_date": value.isoformat(),
        },
    )
    if message is None:
        assert response.status_code == 302
        assert Person.objects.get().birth_date == value
    else:
        page = response.content.decode()
        assert message in page
        assert f'value="{value.isoformat()}"' in page  # what was typed is kept
        assert not Person.objects.exists()


@pytest.mark.django_db
def test_a_birth_date_of_year_1_is_refused_by_the_model_too(site):
    person = Person(site=site, last_name="An", first_name="Un", birth_date=datetime.date(1, 1, 1))
    with pytest.raises(ValidationError) as error:
        person.full_clean()
    assert error.value.message_dict["birth_date"] == [
        "La date de naissance ne peut pas être antérieure au 1er janvier 1900."
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(("year", "accepted"), [(TODAY.year, True), (TODAY.year + 1, False)])
def test_a_birth_year_is_not_in_the_future(site, make_user, year, accepted):
    from ceis.forms import PersonForm

    form = PersonForm(
        {"site": site.pk, "last_name": "A", "first_name": "B", "birth_year": year},
        user=make_user(Role.TRAVAILLEUR_SOCIAL),
    )
    assert form.is_valid() is accepted
    if not accepted:
        assert form.errors["birth_year"] == [
            f"Assurez-vous que cette valeur est inférieure ou égale à {TODAY.year}."
        ]


# Cohorts ------------------------------------------------------------------------------------


def _cohort(site, start, end) -> Cohort:
    return Cohort(site=site, name="Promo", start_date=start, end_date=end, weekdays=["mon"])


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("end", "accepted"),
    [(datetime.date(2028, 1, 4), True), (datetime.date(2028, 1, 5), False)],
)
def test_a_cohort_lasts_at_most_24_months(site, end, accepted):
    cohort = _cohort(site, datetime.date(2026, 1, 5), end)
    if accepted:
        cohort.full_clean()
        return
    with pytest.raises(ValidationError) as error:
        cohort.full_clean()
    assert error.value.message_dict["end_date"] == [
        "Une promotion dure au plus 24 mois : avec un début le 5 janvier 2026, la fin est au "
        "plus tard le 4 janvier 2028."
    ]


@pytest.mark.django_db
def test_an_800_year_cohort_is_refused_without_a_meeting_day(client_for, site):
    """Issue #15: an 800-year cohort made 292,000 meeting days and a 154 MB page."""
    client = client_for(Role.ADMIN)
    response = client.post(
        reverse("unisvers:cohort_create"),
        {
            "site": site.pk,
            "name": "Promotion éternelle",
            "start_date": "2026-01-05",
            "end_date": "2826-01-05",
            "weekdays": ["mon", "tue", "thu"],
            "capacity": 20,
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert RANGE_MESSAGE in page  # 2826 is beyond five years ahead
    assert 'value="Promotion éternelle"' in page
    assert not Cohort.objects.exists()
    assert not MeetingDay.objects.exists()


@pytest.mark.django_db
def test_the_cohort_service_refuses_a_cohort_of_25_months(site, make_user):
    with pytest.raises(ValidationError) as error:
        cohort_create(
            user=make_user(Role.ADMIN),
            site=site,
            name="Longue",
            start_date=datetime.date(2026, 1, 5),
            end_date=datetime.date(2028, 2, 5),
            weekdays=["mon"],
            capacity=20,
        )
    assert "Une promotion dure au plus 24 mois" in error.value.message_dict["end_date"][0]
    assert not MeetingDay.objects.exists()


# Report periods -----------------------------------------------------------------------------


def _period(start, end):
    return {"preset": "custom", "date_from": start, "date_to": end}


@pytest.mark.django_db
@pytest.mark.parametrize(("end", "accepted"), [("2025-12-31", True), ("2026-01-01", False)])
def test_a_report_period_lasts_at_most_20_years(make_user, end, accepted):
    form = PeriodForm(_period("2006-01-01", end), user=make_user(Role.ADMIN))
    assert form.is_valid() is accepted
    if not accepted:
        assert form.errors["__all__"] == [
            "La période ne peut pas dépasser 20 ans : avec un début le 1er janvier 2006, la fin "
            "est au plus tard le 31 décembre 2025."
        ]


@pytest.mark.django_db
def test_the_dashboard_refuses_1900_to_2100_in_french(client_for):
    """Issue #15: this period was a 500."""
    client = client_for(Role.MANAGER)
    response = client.get(reverse("reporting:dashboard"), _period("1900-01-01", "2100-12-31"))
    page = response.content.decode()
    assert response.status_code == 200
    assert RANGE_MESSAGE in page
    assert 'value="1900-01-01"' in page


@pytest.mark.django_db
def test_the_json_export_refuses_a_period_of_21_years_in_french(client_for):
    client = client_for(Role.MANAGER)
    response = client.get(reverse("reporting:export_json"), _period("2000-01-01", "2020-12-31"))
    assert response.status_code == 400
    assert "La période ne peut pas dépasser 20 ans" in response.content.decode()


@pytest.mark.django_db
def test_a_new_bilan_of_1900_to_2100_is_refused_and_keeps_the_entries(client_for):
    client = client_for(Role.MANAGER)
    response = client.post(
        reverse("reporting:document_create"), _period("1900-01-01", "2100-12-31")
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert RANGE_MESSAGE in page
    assert 'value="1900-01-01"' in page and 'value="2100-12-31"' in page
    assert not BilanDocument.objects.exists()


@pytest.mark.django_db
def test_a_bilan_document_of_21_years_is_refused_by_the_model(site):
    document = BilanDocument(
        site=site,
        date_from=datetime.date(2000, 1, 1),
        date_to=datetime.date(2020, 12, 31),
        publication_date=datetime.date(2021, 1, 1),
    )
    with pytest.raises(ValidationError) as error:
        document.full_clean()
    assert "La période ne peut pas dépasser 20 ans" in error.value.message_dict["date_to"][0]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        ("1899-12-31", "1905-01-01", RANGE_MESSAGE),
        ("2000-01-01", "2020-12-31", "La période ne peut pas dépasser 20 ans"),
    ],
)
def test_the_bilan_command_refuses_a_period_beyond_the_bounds(start, end, message):
    with pytest.raises(CommandError) as error:
        call_command("bilan", "--from", start, "--to", end, stdout=io.StringIO())
    assert error.value.returncode == 2
    assert message in str(error.value)


# Calendars ----------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("asked", "shown"),
    [
        ("1900-01-01", datetime.date(1900, 1, 1)),  # a Monday: the first week shown as asked
        ("0001-01-01", datetime.date(1900, 1, 1)),
        (LATEST.isoformat(), LATEST - datetime.timedelta(days=LATEST.weekday())),
        ("9999-12-31", LATEST - datetime.timedelta(days=LATEST.weekday())),
    ],
)
def test_the_week_calendar_stays_within_the_bounds(client_for, asked, shown):
    client = client_for(Role.MEDIATEUR_NUMERIQUE)
    response = client.get(reverse("villages:session_week"), {"semaine": asked})
    assert response.status_code == 200
    assert response.context["monday"] == shown


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("asked", "shown"),
    [
        ("1900-01", datetime.date(1900, 1, 1)),
        ("1899-12", datetime.date(1900, 1, 1)),
        (f"{LATEST:%Y-%m}", LATEST.replace(day=1)),
        ("9999-12", LATEST.replace(day=1)),
        ("2026-13", TODAY.replace(day=1)),
    ],
)
def test_the_month_calendar_stays_within_the_bounds(client_for, asked, shown):
    client = client_for(Role.MEDIATEUR_NUMERIQUE)
    response = client.get(reverse("villages:session_month"), {"mois": asked})
    assert response.status_code == 200
    assert response.context["first"] == shown


# Text ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "accepted"),
    [("Atelier « Ma santé »", True), ("Atelier\tCAF", False), ("Atelier\x00", False)],
)
def test_one_line_of_text_refuses_control_characters(value, accepted):
    form = WorkshopForm({"title": value, "theme": "administratif", "description": ""})
    errors = form.errors.get("title", [])
    assert (not errors) is accepted
    if not accepted:
        assert any("caractère" in message for message in errors)


@pytest.mark.parametrize(
    ("value", "accepted"),
    [("Deux lignes,\r\nune tabulation\tici.", True), ("Un\x1bcode", False), ("Un\x00", False)],
)
def test_multi_line_text_keeps_line_breaks_and_refuses_other_controls(value, accepted):
    form = WorkshopForm({"title": "Atelier", "theme": "administratif", "description": value})
    errors = form.errors.get("description", [])
    assert (not errors) is accepted
    if not accepted:
        assert any("caractère" in message for message in errors)


@pytest.mark.parametrize(
    ("length", "accepted"), [(bounds.LINE_MAX_LENGTH, True), (bounds.LINE_MAX_LENGTH + 1, False)]
)
def test_a_line_without_a_model_length_has_one(length, accepted):
    form = MeetingDayForm({"date": "2026-03-02", "label": "x" * length})
    assert form.is_valid() is accepted
    if not accepted:
        assert form.errors["label"] == [
            f"Assurez-vous que cette valeur comporte au plus {length - 1} caractères "
            f"(actuellement {length})."
        ]


@pytest.mark.parametrize(
    ("length", "accepted"), [(bounds.TEXT_MAX_LENGTH, True), (bounds.TEXT_MAX_LENGTH + 1, False)]
)
def test_a_text_without_a_model_length_has_one(length, accepted):
    form = WorkshopForm({"title": "Atelier", "theme": "administratif", "description": "x" * length})
    assert ("description" not in form.errors) is accepted


def test_a_search_read_without_a_form_loses_its_control_characters_and_length():
    assert bounds.clean_query(" Du\x00pont\t ") == "Du pont"
    assert len(bounds.clean_query("x" * 10_000)) == bounds.LINE_MAX_LENGTH


@pytest.mark.django_db
def test_a_search_with_nul_and_10000_characters_answers(client_for):
    client = client_for(Role.TRAVAILLEUR_SOCIAL)
    response = client.get(reverse("persons:quick_search"), {"q": "Du\x00pont" + "x" * 10_000})
    assert response.status_code == 200


# Numbers ------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(("persons", "accepted"), [(100_000, True), (100_001, False)])
def test_a_number_has_a_ceiling(site, make_user, persons, accepted):
    form = TargetForm(
        {"site": site.pk, "year": TODAY.year, "persons": persons}, user=make_user(Role.ADMIN)
    )
    assert form.is_valid() is accepted
    if not accepted:
        assert form.errors["persons"] == [
            "Assurez-vous que cette valeur est inférieure ou égale à 100000."
        ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("minutes", "accepted"), [(1, True), (0, False), (1440, True), (1441, False)]
)
def test_a_duration_is_one_minute_to_one_day(site, make_user, minutes, accepted):
    form = SessionCreateForm(
        {"date": "2026-03-02", "time": "14:00", "duration_min": minutes, "capacity": 10},
        user=make_user(Role.ADMIN),
    )
    form.is_valid()
    assert ("duration_min" not in form.errors) is accepted


@pytest.mark.django_db
@pytest.mark.parametrize(("places", "accepted"), [(1_000, True), (1_001, False), (0, False)])
def test_a_session_has_1_to_1000_places(site, make_user, places, accepted):
    form = SessionCreateForm(
        {"date": "2026-03-02", "time": "14:00", "duration_min": 60, "capacity": places},
        user=make_user(Role.ADMIN),
    )
    form.is_valid()
    assert ("capacity" not in form.errors) is accepted


@pytest.mark.django_db
def test_a_year_filter_beyond_the_bounds_is_shown_not_a_500(client_for):
    client = client_for(Role.ADMIN)
    response = client.get(reverse("unisvers:cohort_list"), {"year": "99999999999999999999"})
    assert response.status_code == 200
    assert (
        f"Assurez-vous que cette valeur est inférieure ou égale à {LATEST.year}."
        in response.content.decode()
    )


@pytest.mark.django_db
@pytest.mark.parametrize("key", ["9" * 26, "²"])
def test_a_huge_record_key_in_a_multiple_choice_is_refused(site, key):
    cohort = CohortFactory(site=site)
    form = ActivityForm(
        {
            "date": "2026-03-02",
            "space": "numerique",
            "title": "Atelier",
            "participants": [key],
        },
        instance=CollectiveActivity(cohort=cohort),
        cohort=cohort,
    )
    assert form.errors["participants"] == [f"«\xa0{key}\xa0» n’est pas une valeur correcte."]


@pytest.mark.django_db
def test_a_model_rule_on_a_field_the_form_hides_is_shown_above_the_form(client_for, site):
    """The intake form has no exit date: an entry moved after the exit was a 500."""
    client = client_for(Role.ADMIN)
    cohort = CohortFactory(site=site, referents=[client.user])
    enrollment = EnrollmentFactory(cohort=cohort, exited=True)
    later = enrollment.exit_date + DAY
    response = client.post(
        reverse("unisvers:enrollment_update", args=[enrollment.public_id]),
        {"entry_date": later.isoformat(), "referral_source": enrollment.referral_source},
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "La date de sortie ne peut pas précéder la date d'entrée."
    ]


# Every form -----------------------------------------------------------------------------------


def _project_classes(base):
    for app in apps.get_app_configs():
        if app.name.split(".")[0] not in ("ceis", "unisvers", "villages", "reporting"):
            continue
        for module in ("forms", "filters", "views", "forms_auth", "views_twofactor"):
            try:
                importlib.import_module(f"{app.name}.{module}")
            except ModuleNotFoundError:
                continue
    stack, found = [base], set()
    while stack:
        for cls in stack.pop().__subclasses__():
            stack.append(cls)
            module = cls.__module__
            if module.split(".")[0] in ("ceis", "unisvers", "villages", "reporting") and (
                ".tests" not in module and module != "ceis.bounds"
            ):
                found.add(cls)
    return found


def test_every_form_and_filter_of_the_project_is_bounded():
    """A form added later without the bounds fails here (inherit from ceis.bounds)."""
    forms_found = _project_classes(forms.BaseForm)
    filters_found = _project_classes(django_filters.FilterSet)
    assert EventForm in forms_found and CohortFilter in filters_found
    unbounded = sorted(
        f"{cls.__module__}.{cls.__name__}"
        for cls in forms_found
        if not issubclass(cls, BoundedFormMixin)
    ) + sorted(
        f"{cls.__module__}.{cls.__name__}"
        for cls in filters_found
        if not issubclass(cls, BoundedFilterSet)
    )
    assert not unbounded, f"Formulaires sans bornes (héritez de ceis.bounds) : {unbounded}"


# Data packages --------------------------------------------------------------------------------


def _import_errors(tmp_path, name, column, value) -> list[str]:
    from ceis.tests.package_data import package, write

    data = package()
    data[name][1][data[name][0].index(column)] = value
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import_package", str(write(tmp_path / "p", data)), stdout=io.StringIO(), stderr=err
        )
    return err.getvalue().strip().splitlines()


@pytest.mark.django_db
def test_a_package_cohort_of_more_than_24_months_is_refused(tmp_path, site):
    assert _import_errors(tmp_path, "cohorts", "end_date", "2028-03-02") == [
        "cohorts.csv:2: end_date: Une promotion dure au plus 24 mois : avec un début le 2 mars "
        "2026, la fin est au plus tard le 1er mars 2028."
    ]


@pytest.mark.django_db
def test_a_package_birth_date_of_year_1_is_refused(tmp_path, site):
    assert _import_errors(tmp_path, "people", "birth_date", "0001-01-01") == [
        "people.csv:2: birth_date: La date de naissance ne peut pas être antérieure au 1er "
        "janvier 1900. « 0001-01-01 »"
    ]


@pytest.mark.django_db
def test_a_package_date_beyond_five_years_is_refused(tmp_path, site):
    assert _import_errors(tmp_path, "cohorts", "end_date", "9999-12-31") == [
        f"cohorts.csv:2: end_date: {RANGE_MESSAGE} « 9999-12-31 »"
    ]


@pytest.mark.django_db
def test_the_journal_filter_with_a_nul_character_answers(client_for):
    """`?utilisateur=` with NUL was a 500 on PostgreSQL (found by the fuzz test)."""
    client = client_for(Role.ADMIN)
    response = client.get(reverse("journal"), {"utilisateur": "ad\x00min"})
    assert response.status_code == 200


def test_every_admin_form_of_the_project_is_bounded():
    """Django's admin (superusers) takes the same bounds as the application's screens."""
    from django.contrib import admin

    from ceis.models import JournalEntry

    project = ("ceis", "unisvers", "villages", "reporting")
    unbounded = sorted(
        type(model_admin).__name__
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label in project
        and model is not JournalEntry  # read-only: nothing is typed
        and not issubclass(model_admin.form, BoundedFormMixin)
    )
    assert not unbounded, f"Administration sans bornes : {unbounded}"


@pytest.mark.django_db
def test_the_admin_refuses_a_birth_date_of_year_1(client, site):
    from ceis.tests.factories import UserFactory

    superuser = UserFactory(role=Role.ADMIN, sites=[site], is_staff=True, is_superuser=True)
    client.force_login(superuser)
    response = client.post(
        reverse("admin:ceis_person_add"),
        {"site": site.pk, "last_name": "An", "first_name": "Un", "birth_date": "0001-01-01"},
    )
    assert response.status_code == 200
    assert "La date de naissance ne peut pas être antérieure au 1er janvier 1900." in (
        response.content.decode()
    )
    assert not Person.objects.exists()
