"""Attacks on the work of wave 5 (navigation, counter undo, anonymous attendees, search links,
figure references, published versions and their open data, the template package): each test
fails if the hole it tries exists."""

import csv
import datetime
import io
import zipfile

import pytest
from django.urls import reverse
from django.utils import timezone

from ceis.choices import JournalAction, Role
from ceis.models import JournalEntry
from ceis.tests.factories import NeighbourhoodFactory, PersonFactory, UserFactory
from reporting.indicators import compute_bilan
from reporting.indicators.publication import WITHHELD_LABEL
from reporting.opendata import bilan_csv
from reporting.texts import render_text
from villages.tests.factories import SessionFactory, VisitFactory

pytestmark = pytest.mark.django_db


# The visit counter's undo -----------------------------------------------------------------


def test_a_mediator_of_another_site_cannot_undo_a_visit_nor_learn_it_exists(client_for, other_site):
    client = client_for(Role.MEDIATEUR_NUMERIQUE)
    someone = UserFactory(role=Role.MEDIATEUR_NUMERIQUE, sites=[other_site])
    visit = VisitFactory(site=other_site, recorded_by=someone)
    response = client.post(reverse("villages:visit_undo", args=[visit.public_id]))
    assert response.status_code == 404
    assert visit.__class__.objects.filter(pk=visit.pk).exists()


def test_a_mediator_cannot_undo_a_colleagues_visit_of_the_same_site(client_for, site):
    client = client_for(Role.MEDIATEUR_NUMERIQUE)
    colleague = UserFactory(role=Role.MEDIATEUR_NUMERIQUE, sites=[site])
    visit = VisitFactory(site=site, recorded_by=colleague)
    response = client.post(reverse("villages:visit_undo", args=[visit.public_id]))
    assert response.status_code in (403, 404)
    assert visit.__class__.objects.filter(pk=visit.pk).exists()


def test_a_manager_and_a_social_worker_cannot_undo_a_visit(client_for, make_user, site):
    mediator = make_user(Role.MEDIATEUR_NUMERIQUE)
    visit = VisitFactory(site=site, recorded_by=mediator)
    for role in (Role.MANAGER, Role.TRAVAILLEUR_SOCIAL):
        client = client_for(role)
        response = client.post(reverse("villages:visit_undo", args=[visit.public_id]))
        assert response.status_code in (403, 404), role
    assert visit.__class__.objects.filter(pk=visit.pk).exists()


def test_an_undone_visit_is_journalled_with_who_undid_it(client_for, site):
    client = client_for(Role.MEDIATEUR_NUMERIQUE)
    visit = VisitFactory(site=site, recorded_by=client.user)
    client.post(reverse("villages:visit_undo", args=[visit.public_id]))
    assert not visit.__class__.objects.filter(pk=visit.pk).exists()
    entry = JournalEntry.objects.filter(action=JournalAction.DELETE).latest("pk")
    assert entry.user == client.user


# Homes: ?vue= --------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.TRAVAILLEUR_SOCIAL, Role.MANAGER, Role.VOLONTAIRE])
def test_vue_admin_gives_no_one_else_the_admins_home(client_for, role):
    client = client_for(role)
    JournalEntry.objects.create(action=JournalAction.LOGIN, user=client.user)
    response = client.get(reverse("home"), {"vue": Role.ADMIN})
    assert response.status_code == 200
    assert response.context["view"] != Role.ADMIN
    assert "recent_journal" not in response.context
    # Nor does the choice stay in the session for a later visit.
    assert client.get(reverse("home")).context["view"] != Role.ADMIN


def test_a_volunteer_cannot_take_the_mediators_home_with_vue(client_for):
    client = client_for(Role.VOLONTAIRE)
    response = client.get(reverse("home"), {"vue": Role.MEDIATEUR_NUMERIQUE})
    assert response.context["view"] == Role.VOLONTAIRE
    assert "person_box" not in response.context


# The help box's search as you type (?liens=1) ----------------------------------------------


def test_a_volunteer_lists_no_one_with_two_letters_through_the_links(client_for, site):
    PersonFactory(site=site, last_name="Abadie", first_name="Lucienne")
    client = client_for(Role.VOLONTAIRE)
    url = reverse("villages:help_person_search")
    response = client.get(url, {"q": "ab", "liens": "1"})
    assert response.status_code in (200, 403)
    assert "Abadie" not in response.content.decode()


def test_a_volunteer_finds_no_one_by_phone_nor_sees_a_neighbourhood_through_the_links(
    client_for, site
):
    quarter = NeighbourhoodFactory(name="Quartier-Marqueur-Zeta")
    person = PersonFactory(
        site=site, last_name="Abadie", first_name="Lucienne", phone="0611223344",
        neighbourhood=quarter,
    )  # fmt: skip
    client = client_for(Role.VOLONTAIRE)
    url = reverse("villages:help_person_search")
    by_phone = client.get(url, {"q": "0611223344", "liens": "1"}).content.decode()
    assert "Abadie" not in by_phone
    by_name = client.get(url, {"q": "Abadie", "liens": "1"}).content.decode()
    assert "Quartier-Marqueur-Zeta" not in by_name
    assert person.phone not in by_name


def test_no_one_of_another_site_is_found_through_the_links(client_for, other_site):
    PersonFactory(site=other_site, last_name="Abadie", first_name="Lucienne")
    for role in (Role.MEDIATEUR_NUMERIQUE, Role.VOLONTAIRE):
        client = client_for(role)
        response = client.get(reverse("villages:help_person_search"), {"q": "Abadie", "liens": "1"})
        assert "Lucienne" not in response.content.decode(), role


# The anonymous attendees' grid --------------------------------------------------------------


def test_a_manager_and_another_sites_volunteer_cannot_use_the_anonymous_grid(
    client_for, make_user, site, other_site
):
    session = SessionFactory(site=site)
    url = reverse("villages:session_anonymous", args=[session.public_id])
    manager = client_for(Role.MANAGER)
    assert manager.post(url, {"anonyme_60_plus_F": "3"}).status_code in (403, 404)
    stranger = client_for(Role.VOLONTAIRE, sites=[other_site])
    assert stranger.get(url).status_code == 404
    assert stranger.post(url, {"anonyme_60_plus_F": "3"}).status_code == 404
    assert not session.anonymous_attendances.exists()


def test_the_anonymous_grid_keeps_csrf_and_is_journalled(client_for, site):
    session = SessionFactory(site=site)
    url = reverse("villages:session_anonymous", args=[session.public_id])
    client = client_for(Role.VOLONTAIRE)
    page = client.get(url).content.decode()
    assert 'name="csrfmiddlewaretoken"' in page
    before = JournalEntry.objects.count()
    response = client.post(url, {"anonyme_60_plus_F": "3"})
    assert response.status_code == 302
    assert JournalEntry.objects.count() == before + 1
    assert sum(row.count for row in session.anonymous_attendances.all()) == 3


# Figure references in the bilan's texts ------------------------------------------------------


def _bilan_with_dropouts(reasons: dict) -> dict:
    bilan = compute_bilan(date_from=datetime.date(2019, 1, 1), date_to=datetime.date(2019, 12, 31))
    for code in bilan["unisvers"]["dropout_reasons"]:
        bilan["unisvers"]["dropout_reasons"][code] = reasons.get(code, 0)
    total = sum(reasons.values())
    bilan["unisvers"]["dropouts"] = total
    bilan["unisvers"]["dropout_rate"] = {"n": total, "of": 40, "rate": total / 40}
    return bilan


def test_a_text_cannot_work_out_a_hidden_dropout_reason_from_the_total():
    """Ten for moving house, three for health: writing every reason and the total of dropouts
    in a text would give 13 − 10 = 3 back, the count the rule hides."""
    bilan = _bilan_with_dropouts({"demenagement": 10, "sante": 3})
    text = "[[unisvers.dropouts]] abandons, [[unisvers.dropout_rate.n]] ; " + " ; ".join(
        f"[[unisvers.dropout_reasons.{code}]]" for code in bilan["unisvers"]["dropout_reasons"]
    )
    printed = render_text(text, bilan)
    assert "10" not in printed.split(";", 1)[1]
    assert "3" not in printed.split(";", 1)[1]
    # The text says what the open data says: the breakdown withheld whole.
    assert WITHHELD_LABEL in printed
    opendata = {
        row["code"]: row["published"]
        for row in csv.DictReader(io.StringIO(bilan_csv(bilan)))
        if row["key"] == "dropout_reasons"
    }
    assert opendata["demenagement"] == WITHHELD_LABEL


def test_a_text_prints_a_breakdown_whose_hidden_counts_cannot_be_worked_out():
    bilan = _bilan_with_dropouts({"demenagement": 10, "sante": 2, "mobilite": 3})
    printed = render_text(
        "[[unisvers.dropout_reasons.demenagement]] / [[unisvers.dropout_reasons.sante]]", bilan
    )
    assert printed == "10 / moins de 5"


def test_the_domestic_violence_count_never_shows_through_n_or_the_rate():
    bilan = compute_bilan(date_from=datetime.date(2019, 1, 1), date_to=datetime.date(2019, 12, 31))
    bilan["unisvers"]["domestic_violence_rate"] = {"n": 2, "of": 40, "rate": 0.05}
    printed = render_text(
        "[[unisvers.domestic_violence_rate]] | [[unisvers.domestic_violence_rate.n]] | "
        "[[unisvers.domestic_violence_rate.of]]",
        bilan,
    )
    rate, n, of = printed.split(" | ")
    assert "5" not in rate.replace("moins de 5", "") and "2" not in n
    assert of == "40"


# Open data of a published version -----------------------------------------------------------


def test_the_open_data_csv_has_no_formula_cell():
    bilan = _bilan_with_dropouts({"demenagement": 10})
    for row in csv.reader(io.StringIO(bilan_csv(bilan))):
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell


# The template package ------------------------------------------------------------------------


def test_the_template_package_holds_no_ones_data(client_for, site):
    person = PersonFactory(site=site, last_name="Marqueurtemplate", phone="0699887766")
    client = client_for(Role.ADMIN)
    response = client.get(reverse("package:template"))
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    for name in archive.namelist():
        text = archive.read(name).decode("utf-8", errors="replace")
        assert person.last_name not in text, name
        assert person.phone not in text, name
        assert site.name not in text, name
        assert str(person.public_id) not in text, name


def test_undo_window_uses_the_creation_time_not_the_visit_date(client_for, site):
    """A visit whose creation is older than the window cannot be undone even if dated today."""
    client = client_for(Role.MEDIATEUR_NUMERIQUE)
    visit = VisitFactory(site=site, recorded_by=client.user)
    visit.__class__.objects.filter(pk=visit.pk).update(
        created_at=timezone.now() - datetime.timedelta(hours=2)
    )
    response = client.post(reverse("villages:visit_undo", args=[visit.public_id]))
    assert response.status_code in (403, 404)
    assert visit.__class__.objects.filter(pk=visit.pk).exists()


# French on the new pages ---------------------------------------------------------------------


def test_a_sessions_name_writes_its_time_the_french_way(client_for, site):
    session = SessionFactory(
        site=site, start=timezone.make_aware(datetime.datetime(2026, 12, 5, 14, 30))
    )
    page = client_for(Role.VOLONTAIRE).get(
        reverse("villages:session_anonymous", args=[session.public_id])
    )
    text = page.content.decode()
    assert "05/12/2026 à 14\u00a0h\u00a030" in text
    assert "14:30" not in text


# The data package read as Windows-1252 --------------------------------------------------------


def test_a_windows_1252_file_with_a_nul_byte_is_refused_and_imports_nothing(tmp_path):
    from ceis.models import Person
    from ceis.tests.package_data import package

    from .test_package_formats import run, write_as

    data = package()
    commune = data["people"][0].index("commune")
    data["people"][2][commune] = "Lattes-\x00Pérols"  # é in Windows-1252 is not UTF-8
    out, err, ok = run(write_as(tmp_path / "p", data, delimiter=";", encoding="cp1252"))
    assert not ok
    assert "people.csv:3: commune: caractère nul interdit" in "\n".join(out) + err
    assert Person.objects.count() == 0


# Published versions: publishing, open data -------------------------------------------------


@pytest.fixture
def published(client_for, site, django_capture_on_commit_callbacks):
    from reporting.models import BilanVersion
    from reporting.services import bilan_document_create

    manager = client_for(Role.MANAGER)
    document = bilan_document_create(
        user=manager.user,
        date_from=datetime.date(2019, 1, 1),
        date_to=datetime.date(2019, 12, 31),
        site=site,
    )
    with django_capture_on_commit_callbacks(execute=True):
        manager.post(reverse("reporting:generate", args=[document.public_id]))
    version = BilanVersion.objects.get(document=document)
    manager.post(reverse("reporting:version_publish", args=[version.public_id]))
    version.refresh_from_db()
    assert version.is_published
    manager.logout()
    return version


@pytest.mark.parametrize(
    "role", [Role.VOLONTAIRE, Role.MEDIATEUR_NUMERIQUE, Role.TRAVAILLEUR_SOCIAL]
)
def test_only_managers_and_admins_download_open_data_or_publish(client_for, published, role):
    client = client_for(role)
    opendata = reverse("reporting:version_opendata", args=[published.public_id])
    assert client.get(opendata).status_code in (403, 404)
    publish = reverse("reporting:version_publish", args=[published.public_id])
    assert client.post(publish).status_code in (403, 404)


def test_a_manager_of_another_site_gets_no_open_data(client_for, published, other_site):
    client = client_for(Role.MANAGER, sites=[other_site])
    opendata = reverse("reporting:version_opendata", args=[published.public_id])
    assert client.get(opendata).status_code == 404


def test_the_open_data_download_is_journalled_and_holds_no_name(client_for, published, site):
    person = PersonFactory(site=site, last_name="Marqueuropendata")
    client = client_for(Role.MANAGER)
    before = JournalEntry.objects.filter(action=JournalAction.DOWNLOAD).count()
    response = client.get(reverse("reporting:version_opendata", args=[published.public_id]))
    assert response.status_code == 200
    assert JournalEntry.objects.filter(action=JournalAction.DOWNLOAD).count() == before + 1
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    for name in archive.namelist():
        text = archive.read(name).decode("utf-8")
        assert person.last_name not in text
        assert client.user.username not in text


def test_a_published_version_is_not_regenerated_by_a_retry(client_for, published):
    client = client_for(Role.MANAGER)
    pdf = published.pdf.name
    client.post(reverse("reporting:version_retry", args=[published.public_id]))
    published.refresh_from_db()
    assert published.is_published and published.pdf.name == pdf


# The anonymous attendees' cell of sessions.csv ----------------------------------------------


@pytest.mark.parametrize("number", ["²", "٣", "9" * 5000])
def test_an_anonymous_count_that_is_no_plain_number_is_refused_in_french(number):
    from ceis.package import spec  # noqa: F401  (loads the package's files first)
    from villages.package import parse_anonymous

    with pytest.raises(ValueError) as refused:
        parse_anonymous(f"60_plus:F={number}")
    assert "un nombre entier de 1 à 500 est attendu" in str(refused.value)


def test_anonymous_codes_are_matched_regardless_of_case_and_kept_as_the_lists_write_them():
    from ceis.package import spec  # noqa: F401
    from villages.package import parse_anonymous

    assert parse_anonymous("60_PLUS:f=3|Inconnu:INCONNU=1") == {
        ("60_plus", "F"): 3,
        ("inconnu", "inconnu"): 1,
    }


@pytest.mark.parametrize("cell", ["٣", "9" * 5000])
def test_a_package_integer_in_other_digits_or_too_long_is_refused_in_french(cell):
    from ceis.package.reader import parse_cell
    from ceis.package.spec import FILES

    people = next(spec for spec in FILES if spec.filename == "people.csv")
    birth_year = next(column for column in people.columns if column.name == "birth_year")
    with pytest.raises(ValueError) as refused:
        parse_cell(birth_year, cell)
    assert str(refused.value).startswith("nombre entier invalide")


# CSRF on the new POST views -------------------------------------------------------------------


def test_the_new_post_views_refuse_a_post_without_its_csrf_token(make_user, site, published):
    from django.test import Client

    mediator = make_user(Role.MEDIATEUR_NUMERIQUE)
    manager = make_user(Role.MANAGER)
    visit = VisitFactory(site=site, recorded_by=mediator)
    session = SessionFactory(site=site)
    attempts = [
        (mediator, reverse("villages:visit_undo", args=[visit.public_id]), {}),
        (
            mediator,
            reverse("villages:session_anonymous", args=[session.public_id]),
            {"anonyme_60_plus_F": "3"},
        ),
        (mediator, reverse("villages:visit_counter"), {"site": site.pk}),
        (manager, reverse("reporting:version_publish", args=[published.public_id]), {}),
    ]
    for user, url, data in attempts:
        client = Client(enforce_csrf_checks=True)
        client.force_login(user)
        assert client.post(url, data).status_code == 403, url
    assert visit.__class__.objects.filter(pk=visit.pk).exists()
    assert not session.anonymous_attendances.exists()


def test_the_counter_cannot_name_a_person_of_another_site(client_for, site, other_site):
    from villages.models import Visit

    stranger = PersonFactory(site=other_site, last_name="Marqueurailleurs")
    client = client_for(Role.VOLONTAIRE)
    response = client.post(
        reverse("villages:visit_counter"),
        {"site": other_site.pk, "person": str(stranger.public_id)},
    )
    assert not Visit.objects.filter(person=stranger).exists()
    assert not Visit.objects.filter(site=other_site).exists()
    assert "Marqueurailleurs" not in response.content.decode()
    client.post(
        reverse("villages:visit_counter"), {"site": site.pk, "person": str(stranger.public_id)}
    )
    assert not Visit.objects.filter(person=stranger).exists()


def test_publishing_is_journalled(published):
    entry = JournalEntry.objects.filter(
        action=JournalAction.UPDATE, object_ref=str(published.public_id)
    ).latest("pk")
    assert entry.payload == {"fields": ["published_at"]}


def test_the_dropout_reasons_chart_does_not_give_a_hidden_reason_back():
    """The outcomes chart draws the dropouts (13): reasons drawn 10 and « moins de 5 » would
    give 3 back. The chart of the PDF and the dashboard then draws no reason."""
    from reporting.charts import dropout_reasons_chart

    bilan = _bilan_with_dropouts({"demenagement": 10, "sante": 3})
    svg = dropout_reasons_chart(bilan)
    assert ">10<" not in svg and "moins de 5" not in svg
    assert WITHHELD_LABEL in svg
    drawn = dropout_reasons_chart(
        _bilan_with_dropouts({"demenagement": 10, "sante": 2, "mobilite": 3})
    )
    assert "moins de 5" in drawn
