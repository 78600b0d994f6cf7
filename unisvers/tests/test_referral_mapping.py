"""France Travail lists: the common headers of the identifier are recognised, a column not
recognised is mapped by the user to a field or to « ignorer » (never dropped silently), and the
people enrolled from a list appear in their referent's to-do list until their intake is filled."""

import datetime
import io

import pytest
from django.urls import reverse

from ceis.choices import ImportStep
from ceis.models import ImportJob, Person
from unisvers.models import Enrollment
from unisvers.referrals import IGNORE, ReferralFileError, read_header, read_referrals
from unisvers.selectors import todo_for
from unisvers.tests.factories import EnrollmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"


def upload(content: str, name="liste.csv"):
    file = io.BytesIO(content.encode())
    file.name = name
    return file


@pytest.mark.parametrize(
    "header",
    [
        "Identifiant FT",
        "N° identifiant",
        "Identifiant France Travail",
        "IDENTIFIANT  FT",
        "n° Identifiant",
        "identifiant france-travail",
    ],
)
def test_the_common_headers_of_the_identifier_are_recognised(header):
    rows = read_referrals(f"Nom;Prénom;{header}\nDupont;Marie;1234567X\n".encode())
    assert rows[0].values["france_travail_id"] == "1234567X"


LIST = (
    "Nom;Prénom;Identifiant FT;Agence;Nom de l'accompagnateur\n"
    "Dupont;Marie;1234567X;Montpellier Est;Mme Sol\n"
    "Martin;Paul;7654321Y;Montpellier Est;M. Roux\n"
)


def test_a_list_with_an_unknown_column_is_not_read_without_a_choice():
    with pytest.raises(ReferralFileError) as error:
        read_referrals(LIST.encode())
    assert str(error.value).startswith(
        "Colonnes non reconnues : « Agence », « Nom de l'accompagnateur »."
    )
    columns = read_header(LIST.encode())
    assert [(c.label, c.recognised) for c in columns] == [
        ("Nom", "last_name"),
        ("Prénom", "first_name"),
        ("Identifiant FT", "france_travail_id"),
        ("Agence", None),
        ("Nom de l'accompagnateur", None),
    ]
    rows = read_referrals(LIST.encode(), {"3": IGNORE, "4": "adviser"})
    assert [(r.values["last_name"], r.values["adviser"]) for r in rows] == [
        ("Dupont", "Mme Sol"),
        ("Martin", "M. Roux"),
    ]


def test_the_preview_waits_for_each_unknown_column_to_be_mapped(client, cohort, referent):
    client.force_login(referent)
    url = reverse("unisvers:referral_import", args=[cohort.public_id])
    page = client.post(url, {"action": "preview", "file": upload(LIST)})
    assert page.status_code == 200
    html = page.content.decode()
    # Every column is listed: the recognised ones as read, the others with a choice to make.
    assert "Identifiant FT" in html and "Identifiant France Travail" in html
    assert '<select class="form-select form-select-sm" name="colonne-3"' in html
    assert '<select class="form-select form-select-sm" name="colonne-4"' in html
    assert '<option value="ignorer"' in html
    assert "Nouvelle personne" not in html  # no preview yet

    # Nothing chosen for one column: refused in French, the other choice kept.
    refused = client.post(url, {"action": "map", "colonne-4": "adviser"})
    html = refused.content.decode()
    assert "Choisissez où lire la colonne « Agence », ou « ignorer »." in html
    assert '<option value="adviser" selected>' in html

    # Two columns into one field: refused.
    twice = client.post(url, {"action": "map", "colonne-3": "last_name", "colonne-4": IGNORE})
    assert "« Nom » serait lu dans deux colonnes : « Nom » et « Agence »." in twice.content.decode()

    preview = client.post(url, {"action": "map", "colonne-3": IGNORE, "colonne-4": "adviser"})
    html = preview.content.decode()
    assert preview.status_code == 200
    assert "Nouvelle personne" in html
    assert "« Nom de l&#x27;accompagnateur » → Conseiller ou conseillère" in html
    assert "Colonnes ignorées (votre choix) :</strong> « Agence »" in html
    assert "1234567X" in html  # the identifier, read from « Identifiant FT »

    confirmed = client.post(
        url, {"action": "confirm", "rows": ["2", "3"], "entry_date": "2026-03-02"}
    )
    assert confirmed.status_code == 302
    dupont = Enrollment.objects.get(person__last_name="Dupont")
    assert (dupont.person.france_travail_id, dupont.referral_adviser) == ("1234567X", "Mme Sol")


def test_the_mapping_can_be_changed_from_the_preview(client, cohort, referent):
    client.force_login(referent)
    url = reverse("unisvers:referral_import", args=[cohort.public_id])
    client.post(url, {"action": "preview", "file": upload(LIST)})
    client.post(url, {"action": "map", "colonne-3": IGNORE, "colonne-4": IGNORE})
    again = client.post(url, {"action": "remap"}).content.decode()
    assert '<option value="ignorer" selected>' in again
    preview = client.post(url, {"action": "map", "colonne-3": IGNORE, "colonne-4": "adviser"})
    assert "Mme Sol" in preview.content.decode()


def test_the_names_can_come_from_mapped_columns(client, cohort, referent):
    client.force_login(referent)
    url = reverse("unisvers:referral_import", args=[cohort.public_id])
    content = "Nom usuel;Prénom;Téléphone\nDurand;Karim;0600000000\n"
    page = client.post(url, {"action": "preview", "file": upload(content)})
    assert page.status_code == 400
    assert "Colonnes « nom » et « prénom » introuvables" in page.content.decode()
    preview = client.post(url, {"action": "map", "colonne-0": "last_name"})
    assert preview.status_code == 200
    assert "Nouvelle personne" in preview.content.decode()


def test_a_long_list_is_checked_by_a_job_with_the_mapping(
    client, cohort, referent, settings, django_capture_on_commit_callbacks
):
    settings.CEIS_IMPORT_ASYNC_ROWS = 1
    client.force_login(referent)
    url = reverse("unisvers:referral_import", args=[cohort.public_id])
    client.post(url, {"action": "preview", "file": upload(LIST)})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"action": "map", "colonne-3": IGNORE, "colonne-4": "adviser"})
    assert response.status_code == 302
    job = ImportJob.objects.get(step=ImportStep.CHECK)
    assert job.params["mapping"] == {"3": IGNORE, "4": "adviser"}
    job.refresh_from_db()
    assert job.result["counts"]["new"] == 2
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("imports:confirm", args=[job.public_id]), {"entry_date": "2026-03-02"})
    assert ImportJob.objects.filter(step=ImportStep.APPLY).count() == 1
    assert Enrollment.objects.get(person__last_name="Martin").referral_adviser == "M. Roux"


# The to-do list ------------------------------------------------------------------------------


def test_people_enrolled_from_a_list_are_flagged_until_their_intake_is_filled(
    client, cohort, referent
):
    client.force_login(referent)
    url = reverse("unisvers:referral_import", args=[cohort.public_id])
    content = "Nom;Prénom;Identifiant FT\nDupont;Marie;1234567X\n"
    client.post(url, {"action": "preview", "file": upload(content)})
    client.post(url, {"action": "confirm", "rows": ["2"], "entry_date": "2026-03-02"})
    filled = EnrollmentFactory(cohort=cohort)  # an intake taken at enrollment
    today = datetime.date(2026, 3, 3)
    todo = todo_for(referent, today)
    assert [e.person.last_name for e in todo["intakes_missing"]] == ["Dupont"]
    assert filled not in todo["intakes_missing"]

    home = client.get(reverse("home")).content.decode()
    dupont = Enrollment.objects.get(person__last_name="Dupont")
    assert "Fiches d'entrée à compléter (1)" in home
    assert reverse("unisvers:enrollment_update", args=[dupont.public_id]) in home
    assert "(liste France Travail)" in home

    # The referent fills the situation at entry: the entry leaves the to-do list.
    dupont.household = "seul"
    dupont.save()
    assert todo_for(referent, today)["intakes_missing"] == []


def test_an_exited_participant_is_not_flagged(cohort, referent):
    enrollment = EnrollmentFactory(
        cohort=cohort,
        minimum_income="",
        monthly_income_eur=None,
        household="",
        barriers=[],
        confidence_entry=None,
    )
    assert todo_for(referent, datetime.date(2026, 3, 3))["intakes_missing"] == [enrollment]
    enrollment.exit_date = datetime.date(2026, 3, 20)
    enrollment.exit_outcome = "formation"
    enrollment.save()
    assert todo_for(referent, datetime.date(2026, 3, 25))["intakes_missing"] == []


def test_another_referents_participants_are_not_flagged(cohort, make_user):
    from ceis.choices import Role

    other = make_user(Role.TRAVAILLEUR_SOCIAL, username="autre-referente")
    EnrollmentFactory(cohort=cohort, household="", minimum_income="", barriers=[])
    assert todo_for(other)["intakes_missing"] == []
    assert Person.objects.count() == 1
