"""Unis'Vers printables: the attendance sheet of a cohort week (one A4 page for 15 people) and a
participant's path summary, read back with pypdf."""

import datetime
import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from ceis.choices import JournalAction, Role
from ceis.models import JournalEntry
from ceis.tests.factories import PersonFactory
from unisvers.choices import AttendanceStatus, ExitOutcome, FollowupSituation, Space
from unisvers.models import Attendance
from unisvers.tests.factories import (
    ActivityFactory,
    CohortFactory,
    EnrollmentFactory,
    FollowUpFactory,
)

MONDAY = datetime.date(2026, 3, 9)  # the second week of the factory's cohort (Mon, Tue, Thu)


def _pdf(response) -> PdfReader:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    return PdfReader(io.BytesIO(response.content))


def _text(reader: PdfReader) -> str:
    """The text of every page, whitespace collapsed (a table's header cell wraps)."""
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


@pytest.fixture
def referent(make_user):
    return make_user(Role.TRAVAILLEUR_SOCIAL, username="referente")


@pytest.fixture
def cohort(site, referent):
    cohort = CohortFactory(site=site, referents=[referent], name="Promotion du printemps")
    for number in range(15):
        EnrollmentFactory(
            cohort=cohort,
            person=PersonFactory(site=site, last_name=f"Nomfamille{number:02d}", first_name="Alix"),
        )
    return cohort


def _sheet_url(cohort, day):
    return reverse("unisvers:attendance_sheet", args=[cohort.public_id, day.isoformat()])


def test_the_week_sheet_of_a_15_person_cohort_is_one_a4_page(client, referent, cohort):
    client.force_login(referent)
    # Any day of the week gives that week (here the Wednesday, not a meeting day).
    reader = _pdf(client.get(_sheet_url(cohort, MONDAY + datetime.timedelta(days=2))))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width) / 72 * 25.4), round(float(box.height) / 72 * 25.4)) == (210, 297)
    text = _text(reader)
    assert "Feuille d'émargement" in text
    assert "Promotion du printemps" in text
    for number in range(15):
        assert f"NOMFAMILLE{number:02d}" in text
    # The three meeting days of the week are the columns.
    for day in ("Lundi 9 mars", "Mardi 10 mars", "Jeudi 12 mars"):
        assert day in text
    assert "Mercredi 11 mars" not in text
    assert "15 participant·e·s" in text
    entry = JournalEntry.objects.get(
        action=JournalAction.DOWNLOAD, object_ref=str(cohort.public_id)
    )
    assert entry.payload == {"printable": "attendance_sheet", "week": "2026-03-09"}


def test_the_sheet_leaves_out_who_left_before_the_week(client, referent, cohort):
    gone = EnrollmentFactory(
        cohort=cohort,
        person=PersonFactory(site=cohort.site, last_name="Partiavant"),
        exit_date=datetime.date(2026, 3, 5),
        exit_outcome=ExitOutcome.ABANDON,
        dropout_reason="sante",
    )
    client.force_login(referent)
    text = _text(_pdf(client.get(_sheet_url(cohort, MONDAY))))
    assert gone.person.last_name.upper() not in text
    first_week = _text(_pdf(client.get(_sheet_url(cohort, datetime.date(2026, 3, 2)))))
    assert "PARTIAVANT" in first_week


def test_a_week_without_meeting_day_answers_404(client, referent, cohort):
    client.force_login(referent)
    assert client.get(_sheet_url(cohort, datetime.date(2026, 6, 1))).status_code == 404
    assert client.get(_sheet_url(cohort, datetime.date.max)).status_code == 404
    bad = reverse("unisvers:attendance_sheet", args=[cohort.public_id, "pas-une-date"])
    assert client.get(bad).status_code == 404


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.MEDIATEUR_NUMERIQUE, 404),  # never Unis'Vers data
        (Role.VOLONTAIRE, 404),
        (Role.MANAGER, 404),  # aggregates only: no names
        (Role.ADMIN, 200),
    ],
)
def test_who_may_print_the_week_sheet(client_for, cohort, role, status):
    client = client_for(role)
    response = client.get(_sheet_url(cohort, MONDAY))
    assert response.status_code == status
    if status == 404:
        assert b"NOMFAMILLE" not in response.content.upper()


def test_the_register_links_to_the_weeks_sheet(client, referent, cohort):
    client.force_login(referent)
    page = client.get(reverse("unisvers:register", args=[cohort.public_id, "2026-03-10"]))
    assert _sheet_url(cohort, datetime.date(2026, 3, 10)) in page.content.decode()


# The path summary -----------------------------------------------------------------------------


@pytest.fixture
def participant(cohort):
    enrollment = cohort.enrollments.select_related("person").first()
    enrollment.exit_date = datetime.date(2026, 4, 10)
    enrollment.exit_outcome = ExitOutcome.FORMATION
    enrollment.followup_3m_date = datetime.date(2026, 7, 10)
    enrollment.followup_3m_situation = FollowupSituation.values[0]
    enrollment.followup_6m_date = datetime.date(2026, 10, 12)
    enrollment.followup_6m_situation = FollowupSituation.values[1]
    enrollment.referral_adviser = "CONSEILLERE-SECRETE"
    enrollment.monthly_income_eur = 4321
    enrollment.save()
    for day, status in (
        (datetime.date(2026, 3, 2), AttendanceStatus.PRESENT),
        (datetime.date(2026, 3, 3), AttendanceStatus.PRESENT),
        (datetime.date(2026, 3, 5), AttendanceStatus.PRESENT),
        (datetime.date(2026, 3, 9), AttendanceStatus.ABSENT_EXCUSE),
    ):
        Attendance.objects.create(cohort=cohort, person=enrollment.person, date=day, status=status)
    ActivityFactory(cohort=cohort, space=Space.MOBILITE).participants.add(enrollment.person)
    ActivityFactory(cohort=cohort, space=Space.BUDGET).participants.add(enrollment.person)
    ActivityFactory(cohort=cohort, space=Space.MULTIMEDIA)  # without them
    FollowUpFactory(person=enrollment.person, cohort=cohort, note="NOTE-JAMAIS-IMPRIMEE")
    return enrollment


def test_the_path_summary_tells_the_path_and_never_the_notes(client, referent, participant):
    client.force_login(referent)
    person = participant.person
    reader = _pdf(client.get(reverse("unisvers:path_summary", args=[person.public_id])))
    text = _text(reader)
    assert "Mon parcours Unis'Vers" in text
    assert f"Alix {person.last_name.upper()}" in text
    assert "Promotion du printemps" in text
    assert "du lundi 2 mars 2026 au dimanche 12 avril 2026" in text
    assert "Mobilité, Budget" in text and "Multimédia" not in text
    assert "75 %" in text  # 3 days present of 4 recorded
    assert "3 jours de présence sur 4 jours de rencontre" in text
    assert "vendredi 10 avril 2026 · " + ExitOutcome.FORMATION.label in text
    label_3m = FollowupSituation(participant.followup_3m_situation).label
    assert f"Situation à 3 mois {label_3m} (le vendredi 10 juillet 2026)" in text
    assert "Situation à 6 mois" in text
    assert FollowupSituation(participant.followup_6m_situation).label in text
    for secret in ("NOTE-JAMAIS-IMPRIMEE", "CONSEILLERE-SECRETE", "4321", "4 321"):
        assert secret not in text
    assert JournalEntry.objects.filter(
        action=JournalAction.DOWNLOAD, object_ref=str(person.public_id)
    ).exists()


def test_the_path_summary_is_for_the_referent_only(client_for, make_user, participant):
    url = reverse("unisvers:path_summary", args=[participant.person.public_id])
    not_referent = client_for(Role.TRAVAILLEUR_SOCIAL)
    assert not_referent.get(url).status_code == 404
    page = not_referent.get(reverse("unisvers:participant", args=[participant.person.public_id]))
    assert url not in page.content.decode()
    for role in (Role.MEDIATEUR_NUMERIQUE, Role.VOLONTAIRE, Role.MANAGER):
        assert client_for(role).get(url).status_code == 404
    assert client_for(Role.ADMIN).get(url).status_code == 200


def test_the_participant_page_links_to_the_summary(client, referent, participant):
    client.force_login(referent)
    person = participant.person
    page = client.get(reverse("unisvers:participant", args=[person.public_id])).content.decode()
    assert reverse("unisvers:path_summary", args=[person.public_id]) in page
