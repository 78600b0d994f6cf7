"""The screens: the partner directory, an orientation made at the exit with its fiche de
liaison, the to-do list of the agent who made it, the person file's panel."""

import datetime
import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from ceis.choices import JournalAction, Role
from ceis.models import JournalEntry
from ceis.tests.factories import PersonFactory
from coordination.choices import OrientationSource, OrientationStatus, PartnerCategory
from coordination.models import Orientation, Partner
from unisvers.tests.factories import CohortFactory, EnrollmentFactory, FollowUpFactory
from villages.tests.factories import IndividualHelpFactory

from .factories import OrientationFactory, PartnerFactory

pytestmark = pytest.mark.django_db


def _pdf_text(response) -> str:
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    return " ".join(page.extract_text() for page in reader.pages)


@pytest.fixture
def referent(client, make_user):
    user = make_user(Role.TRAVAILLEUR_SOCIAL, first_name="Léa", last_name="Martin")
    client.force_login(user)
    client.user = user
    return client


def test_a_social_worker_orients_at_exit_prints_the_sheet_and_it_waits_until_done(referent, site):
    """The done-when of issue #20: a participant oriented to France Travail at exit, the fiche
    de liaison printed, the orientation in the to-do list until it is marked done."""
    france_travail = PartnerFactory(site=site, france_travail=True)
    PartnerFactory(site=site, name="Les Petits Débrouillards")
    cohort = CohortFactory(site=site, referents=[referent.user])
    enrollment = EnrollmentFactory(
        cohort=cohort,
        exited=True,
        person=PersonFactory(site=site, first_name="Samia", last_name="Benali", phone="0612345678"),
    )
    person = enrollment.person

    file_page = referent.get(person.get_absolute_url())
    create_url = reverse("coordination:orientation_from_exit", args=[enrollment.public_id])
    assert create_url in file_page.content.decode()
    participant = referent.get(reverse("unisvers:participant", args=[person.public_id]))
    assert create_url in participant.content.decode()  # beside the exit, on the programme file

    form = referent.get(create_url)
    assert form.status_code == 200
    assert form.context["form"].initial["partner"] == france_travail
    response = referent.post(
        create_url,
        {
            "partner": france_travail.pk,
            "date": enrollment.exit_date.isoformat(),
            "reason": "Inscription et recherche d'emploi",
            "note": "Préfère les missions du matin",
            "share_reason": "on",
            "share_contact": "on",
        },
    )
    orientation = Orientation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == orientation.get_absolute_url()
    assert orientation.source == OrientationSource.EXIT
    assert orientation.enrollment == enrollment
    assert orientation.site == site
    assert orientation.created_by == referent.user

    sheet = referent.get(
        reverse("coordination:orientation_sheet_pdf", args=[orientation.public_id])
    )
    text = _pdf_text(sheet)
    assert "Fiche de liaison" in text
    assert "Samia Benali" in text
    assert "France Travail" in text
    assert "Inscription et recherche d'emploi" in text
    assert "0612345678" in text
    assert "Préfère les missions du matin" not in text  # the note never leaves
    assert (
        JournalEntry.objects.filter(
            action=JournalAction.DOWNLOAD, object_ref=str(orientation.public_id)
        ).exists()
        or JournalEntry.objects.filter(action=JournalAction.DOWNLOAD).count() == 1
    )

    home = referent.get(reverse("home")).content.decode()
    assert "Orientations en attente" in home
    assert "Samia" in home

    referent.post(
        reverse("coordination:orientation_status", args=[orientation.public_id]),
        {"status": OrientationStatus.ACCEPTEE, "status_date": "2026-04-20"},
    )
    assert "Orientations en attente" in referent.get(reverse("home")).content.decode()
    response = referent.post(
        reverse("coordination:orientation_status", args=[orientation.public_id]),
        {"status": OrientationStatus.REALISEE, "status_date": "2026-05-04"},
    )
    assert response.status_code == 302
    orientation.refresh_from_db()
    assert orientation.status == OrientationStatus.REALISEE
    assert orientation.status_date == datetime.date(2026, 5, 4)
    assert "Orientations en attente" not in referent.get(reverse("home")).content.decode()


def test_the_sheet_holds_only_what_the_person_agreed_to_share(referent, site):
    person = PersonFactory(
        site=site,
        phone="0698765432",
        email="samia@example.org",
        education_level="bac_general",
        status="sans_emploi",
    )
    enrollment = EnrollmentFactory(cohort=CohortFactory(site=site), person=person, exited=True)
    orientation = OrientationFactory(
        person=person,
        enrollment=enrollment,
        from_exit=True,
        reason="Soins dentaires",
        share_reason=False,
        share_contact=False,
        share_education=True,
        share_situation=False,
        created_by=referent.user,
    )
    text = _pdf_text(
        referent.get(reverse("coordination:orientation_sheet_pdf", args=[orientation.public_id]))
    )
    assert person.last_name in text
    assert orientation.partner.name in text
    for withheld in ("0698765432", "samia@example.org", "Soins dentaires", "Sans emploi"):
        assert withheld not in text
    assert "Bac général" in text


def test_a_followups_orientation_is_made_from_the_entry_and_hidden_from_the_mediator(
    referent, client, site, make_user
):
    cohort = CohortFactory(site=site, referents=[referent.user])
    followup = FollowUpFactory(person=EnrollmentFactory(cohort=cohort).person, cohort=cohort)
    partner = PartnerFactory(site=site, category=PartnerCategory.SANTE, name="CMP Chaptal")
    create_url = reverse("coordination:orientation_from_followup", args=[followup.public_id])
    participant = referent.get(reverse("unisvers:participant", args=[followup.person.public_id]))
    assert create_url in participant.content.decode()
    response = referent.post(
        create_url,
        {"partner": partner.pk, "date": "2026-03-10", "share_reason": "on"},
    )
    assert response.status_code == 302
    orientation = Orientation.objects.get(followup=followup)

    client.force_login(make_user(Role.MEDIATEUR_NUMERIQUE))
    for name in ("orientation_detail", "orientation_sheet_pdf"):
        assert (
            client.get(reverse(f"coordination:{name}", args=[orientation.public_id])).status_code
            == 404
        )
    assert "CMP Chaptal" not in client.get(followup.person.get_absolute_url()).content.decode()


def test_a_mediator_orients_from_a_help(client, site, make_user):
    mediator = make_user(Role.MEDIATEUR_NUMERIQUE)
    client.force_login(mediator)
    help_ = IndividualHelpFactory(site=site)
    partner = PartnerFactory(site=site, category=PartnerCategory.ADMINISTRATION, name="CAF")
    create_url = reverse("coordination:orientation_from_help", args=[help_.public_id])
    assert create_url in client.get(help_.get_absolute_url()).content.decode()
    response = client.post(
        create_url,
        {"partner": partner.pk, "date": help_.date.isoformat()},
    )
    assert response.status_code == 302
    orientation = Orientation.objects.get()
    assert (orientation.source, orientation.help, orientation.site) == (
        OrientationSource.HELP,
        help_,
        site,
    )


def test_another_sites_partner_cannot_be_chosen(referent, site, other_site):
    enrollment = EnrollmentFactory(cohort=CohortFactory(site=site), exited=True)
    foreign = PartnerFactory(site=other_site)
    response = referent.post(
        reverse("coordination:orientation_from_exit", args=[enrollment.public_id]),
        {"partner": foreign.pk, "date": enrollment.exit_date.isoformat(), "reason": "Gardé"},
    )
    assert response.status_code == 200
    assert "partner" in response.context["form"].errors
    assert response.context["form"]["reason"].value() == "Gardé"
    assert not Orientation.objects.exists()


def test_the_directory_searches_filters_and_counts(referent, site, other_site):
    PartnerFactory(site=site, name="France Travail Celleneuve", category="france_travail")
    PartnerFactory(site=site, name="Mission locale", category="mission_locale")
    PartnerFactory(site=other_site, name="France Travail Lunel", category="france_travail")
    url = reverse("coordination:partner_list")
    page = referent.get(url, {"category": "france_travail"})
    names = [partner.name for partner in page.context["page"]]
    assert names == ["France Travail Celleneuve"]
    assert "1 partenaire" in page.content.decode()
    assert [p.name for p in referent.get(url, {"q": "mission"}).context["page"]] == [
        "Mission locale"
    ]


def test_the_directory_reads_a_flat_number_of_queries(
    referent, site, django_assert_max_num_queries
):
    for n in range(30):
        partner = PartnerFactory(site=site, name=f"Association {n:02d}")
        OrientationFactory(partner=partner, person=PersonFactory(site=site))
    with django_assert_max_num_queries(12):
        response = referent.get(reverse("coordination:partner_list"))
    assert response.context["page"].paginator.count == 30


def test_a_partner_is_created_edited_and_its_name_unique_per_site(referent, site):
    create = reverse("coordination:partner_create")
    data = {"site": site.pk, "name": "Les Louveteaux", "category": "association"}
    assert referent.post(create, data).status_code == 302
    again = referent.post(create, {**data, "contact": "Mme Roux"})
    assert again.status_code == 200
    assert "Un partenaire de ce site porte déjà ce nom." in again.content.decode()
    assert again.context["form"]["contact"].value() == "Mme Roux"
    partner = Partner.objects.get()
    response = referent.post(
        reverse("coordination:partner_update", args=[partner.public_id]),
        {"name": "Les Louveteaux", "category": "association", "contact": "04 67 00 00 01"},
    )
    assert response.status_code == 302
    partner.refresh_from_db()
    assert partner.contact == "04 67 00 00 01"


def test_a_used_partner_is_not_deleted_and_an_unused_one_is_after_confirmation(referent, site):
    used = PartnerFactory(site=site, name="France Travail")
    OrientationFactory(partner=used, person=PersonFactory(site=site))
    unused = PartnerFactory(site=site, name="Forum TV")
    url = reverse("coordination:partner_delete", args=[used.public_id])
    assert "Oui, supprimer" in referent.get(url).content.decode()
    refused = referent.post(url)
    assert "ne peut pas être supprimé : 1 orientation la nomme" in refused.content.decode()
    assert Partner.objects.filter(pk=used.pk).exists()
    response = referent.post(reverse("coordination:partner_delete", args=[unused.public_id]))
    assert response.status_code == 302
    assert not Partner.objects.filter(pk=unused.pk).exists()


def test_another_sites_partner_and_orientation_answer_404(referent, other_site):
    partner = PartnerFactory(site=other_site)
    orientation = OrientationFactory(partner=partner, person=PersonFactory(site=other_site))
    assert (
        referent.get(reverse("coordination:partner_update", args=[partner.public_id])).status_code
        == 404
    )
    assert (
        referent.get(
            reverse("coordination:orientation_detail", args=[orientation.public_id])
        ).status_code
        == 404
    )


def test_a_mediator_reads_the_directory_but_does_not_edit_it(client, site, make_user):
    client.force_login(make_user(Role.MEDIATEUR_NUMERIQUE))
    assert client.get(reverse("coordination:partner_list")).status_code == 200
    assert client.get(reverse("coordination:partner_create")).status_code == 403


def test_a_manager_has_no_directory_and_no_orientation(client, site, make_user):
    orientation = OrientationFactory(person=PersonFactory(site=site))
    client.force_login(make_user(Role.MANAGER))
    assert client.get(reverse("coordination:partner_list")).status_code == 403
    assert (
        client.get(
            reverse("coordination:orientation_detail", args=[orientation.public_id])
        ).status_code
        == 404
    )
