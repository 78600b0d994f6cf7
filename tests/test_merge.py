"""Merging two persons (ceis.merge, domain.md "Merging duplicates"): every record of every app
moves, collisions keep one row or refuse, the journal, the pages and who may open them."""

import datetime
import importlib
import inspect

import factory
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from appointments.tests.factories import AppointmentFactory
from ceis.choices import JournalAction, Role
from ceis.merge import IDENTITY_FIELDS, MergeConflict, merged_refs, person_relations, persons_merge
from ceis.models import JournalEntry, Person
from ceis.rights import person_export
from ceis.tests.factories import PersonFactory, UserFactory
from messaging.tests.factories import ContactConsentFactory
from unisvers.models import Attendance, Enrollment, FollowUp
from unisvers.tests.factories import (
    CohortFactory,
    EnrollmentFactory,
    EventFactory,
    FollowUpFactory,
)
from villages.models import Registration
from villages.tests.factories import RegistrationFactory, SessionFactory

D = datetime.date

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(make_user):
    return make_user(Role.ADMIN)


@pytest.fixture
def pair(site):
    born = {"birth_date": D(1990, 1, 2), "birth_year": None}
    kept = PersonFactory(
        site=site, last_name="Martin", first_name="Léa", phone="0612345678", commune="", **born
    )
    removed = PersonFactory(
        site=site, last_name="MARTIN", first_name="Lea", phone="0699887766", commune="Sète", **born
    )
    return kept, removed


def chosen(**overrides) -> dict:
    """The comparison form's answers: the kept record's value for each field unless said."""
    return dict.fromkeys(IDENTITY_FIELDS, "kept") | overrides


def merge(kept, removed, user, **choices):
    return persons_merge(kept=kept, removed=removed, choices=choices, user=user)


# Every relation to Person, whatever its app -------------------------------------------------


def _factory_for(model):
    """The test factory of `model` in its app (`<app>.tests.factories`), or None."""
    try:
        module = importlib.import_module(f"{model._meta.app_label}.tests.factories")
    except ModuleNotFoundError:
        return None
    for _name, candidate in inspect.getmembers(module, inspect.isclass):
        if (
            issubclass(candidate, factory.django.DjangoModelFactory)
            and candidate._meta.model is model
        ):
            return candidate
    return None


# Models without a factory of their own: how to make one row of `person`.
BUILDERS = {
    "unisvers.Attendance": lambda person, site: Attendance.objects.create(
        cohort=CohortFactory(site=site), person=person, date=D(2026, 3, 3), status="present"
    ),
    # The factory leaves the agent to the test.
    "appointments.Appointment": lambda person, site: AppointmentFactory(
        person=person, site=site, agent=UserFactory(role=Role.MEDIATEUR_NUMERIQUE, sites=[site])
    ),
}


def _make_row(fk, person, site):
    """One row of `fk.model` pointing at `person` (for a many-to-many table: the owner's field)."""
    model = fk.model
    owner = model._meta.auto_created
    if owner:  # the table of a many-to-many field: add the person to a new owner
        field = next(f for f in owner._meta.many_to_many if f.remote_field.through is model)
        maker = _factory_for(owner)
        assert maker, f"aucune fabrique pour {owner._meta.label} : le test ne peut pas le vérifier"
        holder = maker(site=site) if _has_field(owner, "site") else maker()
        getattr(holder, field.name).add(person)
        return model.objects.get(**{f"{owner._meta.model_name}": holder, fk.name: person})
    if model._meta.label in BUILDERS:
        return BUILDERS[model._meta.label](person, site)
    maker = _factory_for(model)
    assert maker, (
        f"aucune fabrique pour {model._meta.label} : ajoutez-en une ou une ligne à BUILDERS"
    )
    return maker(**{fk.name: person})


def _has_field(model, name) -> bool:
    return any(f.name == name for f in model._meta.get_fields())


def test_every_relation_to_person_is_moved(pair, admin, site):
    """Walks every foreign key to Person from any app (those added later too): one row of each
    on the removed person ends up on the kept one, none stays on the removed one."""
    kept, removed = pair
    relations = person_relations()
    labels = {fk.model._meta.label for fk in relations}
    # The walk sees the apps of both programmes and the later ones (sanity of the walk itself).
    assert {"unisvers.Enrollment", "villages.Registration", "unisvers.Event_attendees"} <= labels
    assert {fk.model._meta.app_label for fk in relations} >= {
        "unisvers",
        "villages",
        "appointments",
    }
    rows = [(fk, _make_row(fk, removed, site)) for fk in relations]
    result = merge(kept, removed, admin)
    assert not Person.objects.filter(pk=removed.pk).exists()
    for fk, row in rows:
        fresh = fk.model._base_manager.get(pk=row.pk)
        assert getattr(fresh, fk.attname) == kept.pk, fk.model._meta.label
    assert set(result.moved) == labels
    assert result.dropped == {}


# Collisions ----------------------------------------------------------------------------------


def test_two_enrollments_in_one_cohort_become_one_with_the_exit_and_the_entries(pair, admin, site):
    kept, removed = pair
    cohort = CohortFactory(site=site, start_date=D(2026, 3, 2), end_date=D(2026, 4, 10))
    ours = EnrollmentFactory(cohort=cohort, person=kept, referral_adviser="")
    theirs = EnrollmentFactory(
        cohort=cohort,
        person=removed,
        referral_adviser="Mme Roux",
        exit_date=D(2026, 4, 10),
        exit_outcome="formation",
        followup_3m_date=D(2026, 7, 10),
        followup_3m_situation="iae",
    )
    entry = FollowUpFactory(person=removed, enrollment=theirs, note="Confidentiel, chiffré")
    result = merge(kept, removed, admin)
    (enrollment,) = Enrollment.objects.filter(person=kept)
    assert enrollment.pk == ours.pk
    assert (enrollment.exit_date, enrollment.exit_outcome) == (D(2026, 4, 10), "formation")
    assert (enrollment.followup_3m_date, enrollment.followup_3m_situation) == (
        D(2026, 7, 10),
        "iae",
    )
    assert enrollment.referral_adviser == "Mme Roux"
    entry = FollowUp.objects.get(pk=entry.pk)
    assert (entry.person_id, entry.enrollment_id) == (kept.pk, ours.pk)
    assert entry.note == "Confidentiel, chiffré"  # the encrypted note still decrypts
    assert result.dropped == {"unisvers.Enrollment": 1}


def test_two_different_exits_of_one_cohort_are_refused_and_nothing_changes(pair, admin, site):
    kept, removed = pair
    cohort = CohortFactory(site=site, start_date=D(2026, 3, 2), end_date=D(2026, 4, 10))
    EnrollmentFactory(cohort=cohort, person=kept, exited=True)
    EnrollmentFactory(cohort=cohort, person=removed, abandon=True, dropout_reason="sante")
    RegistrationFactory(person=removed)
    with pytest.raises(MergeConflict) as error:
        merge(kept, removed, admin, phone="removed")
    assert error.value.messages == [
        f"Les deux fiches sont inscrites dans la promotion « {cohort} » avec des sorties "
        "différentes. Corrigez d'abord l'une des deux inscriptions, puis recommencez la fusion."
    ]
    assert Person.objects.filter(pk=removed.pk).exists()
    assert Enrollment.objects.filter(person=removed).count() == 1
    assert Registration.objects.filter(person=removed).count() == 1
    kept.refresh_from_db()
    assert kept.phone == "0612345678"
    assert not JournalEntry.objects.filter(payload__has_key="merge").exists()


def test_two_enrollments_on_one_period_in_two_cohorts_are_refused(pair, admin, site):
    kept, removed = pair
    dates = {"start_date": D(2026, 3, 2), "end_date": D(2026, 4, 10)}
    EnrollmentFactory(cohort=CohortFactory(site=site, **dates), person=kept)
    EnrollmentFactory(cohort=CohortFactory(site=site, **dates), person=removed)
    with pytest.raises(MergeConflict) as error:
        merge(kept, removed, admin)
    assert "Cette personne est déjà inscrite sur la même période" in error.value.messages[0]
    assert Person.objects.filter(pk=removed.pk).exists()


def test_one_registration_per_session_keeps_the_one_that_says_most(pair, admin, site):
    kept, removed = pair
    session = SessionFactory(site=site)
    RegistrationFactory(session=session, person=kept, waiting=True)
    present = RegistrationFactory(session=session, person=removed, present=True)
    other = RegistrationFactory(person=removed)
    merge(kept, removed, admin)
    assert set(Registration.objects.filter(person=kept).values_list("pk", flat=True)) == {
        present.pk,
        other.pk,
    }


def test_one_consent_per_channel_keeps_the_latest(pair, admin):
    kept, removed = pair
    ContactConsentFactory(person=kept, channel="sms", given=True, date=D(2026, 1, 5))
    latest = ContactConsentFactory(
        person=removed,
        channel="sms",
        given=False,
        date=D(2026, 5, 2),
        recorded_at=timezone.now() + datetime.timedelta(minutes=1),
    )
    merge(kept, removed, admin)
    consent = kept.contact_consents.get()
    assert (consent.pk, consent.given) == (latest.pk, False)


def test_same_day_register_keeps_present_and_same_event_once(pair, admin, site):
    kept, removed = pair
    cohort = CohortFactory(site=site, start_date=D(2026, 3, 2), end_date=D(2026, 4, 10))
    for person, status in ((kept, "absent_non_excuse"), (removed, "present")):
        Attendance.objects.create(cohort=cohort, person=person, date=D(2026, 3, 3), status=status)
    event = EventFactory(site=site)
    event.attendees.add(kept, removed)
    result = merge(kept, removed, admin)
    assert list(Attendance.objects.filter(person=kept).values_list("status", flat=True)) == [
        "present"
    ]
    assert list(event.attendees.all()) == [kept]
    assert result.dropped == {"unisvers.Attendance": 1, "unisvers.Event_attendees": 1}


# Identity, journal -------------------------------------------------------------------------


def test_chosen_fields_come_from_the_removed_record_and_the_merge_is_journalled(
    pair, admin, client
):
    kept, removed = pair
    client.force_login(admin)
    client.get(reverse("persons:detail", args=[removed.public_id]))  # an entry about it
    removed_id = str(removed.public_id)
    RegistrationFactory(person=removed)
    result = merge(kept, removed, admin, phone="removed", commune="removed")
    kept.refresh_from_db()
    assert (kept.last_name, kept.phone, kept.commune) == ("Martin", "0699887766", "Sète")
    entry = JournalEntry.objects.get(object_ref=str(kept.public_id), action=JournalAction.UPDATE)
    assert entry.payload == {
        "merge": {
            "kept": str(kept.public_id),
            "removed": removed_id,
            "fields_from_removed": ["phone", "commune"],
            "moved": {"villages.Registration": 1},
            "dropped": {},
        }
    }
    gone = JournalEntry.objects.get(object_ref=removed_id, action=JournalAction.DELETE)
    assert gone.payload == {"merged_into": str(kept.public_id)}
    assert merged_refs(kept) == [removed_id] and result.removed_ref == removed_id
    # The removed record's past entries belong to the kept person's journal and export.
    export = person_export(kept)
    assert any(
        row["object_ref"] == removed_id and row["action"] == "view" for row in export["journal"]
    )
    html = client.get(reverse("persons:detail", args=[kept.public_id])).content.decode()
    assert html.count("Consultation") >= 2


def test_contradictory_identity_choices_are_refused(admin, site):
    kept = PersonFactory(site=site, birth_date=D(1980, 5, 1), birth_year=None)
    removed = PersonFactory(site=site, birth_date=None, birth_year=1981)
    with pytest.raises(MergeConflict) as error:
        merge(kept, removed, admin, birth_year="removed")
    assert error.value.message_dict == {
        "birth_year": ["L'année ne correspond pas à la date de naissance."]
    }


def test_merge_queries_do_not_grow_with_the_records(admin, site):
    def timed(count):
        kept, removed = PersonFactory(site=site), PersonFactory(site=site)
        for _ in range(count):
            RegistrationFactory(person=removed)
            FollowUpFactory(person=removed)
        with CaptureQueriesContext(connection) as queries:
            merge(kept, removed, admin)
        return len(queries)

    few, many = timed(1), timed(15)
    assert few == many
    assert many <= 80


# Pages -------------------------------------------------------------------------------------


def test_admin_compares_confirms_and_merges_from_the_person_file(client, admin, pair):
    kept, removed = pair
    RegistrationFactory(person=removed)
    client.force_login(admin)
    detail = client.get(reverse("persons:detail", args=[kept.public_id])).content.decode()
    url = reverse("persons:merge", args=[kept.public_id])
    # The duplicate warning of the file names the other record and links to the comparison.
    assert "pourrait être la même personne" in detail
    assert f"{url}?avec={removed.public_id}" in detail
    compare = client.get(url, {"avec": removed.public_id}).content.decode()
    assert "Comparer les deux fiches" in compare
    assert 'name="phone" id="id_phone_0" value="kept" checked' in compare
    assert "0699887766" in compare
    confirm = client.post(url, {"avec": removed.public_id, **chosen(phone="removed")})
    html = confirm.content.decode()
    assert "Oui, fusionner les deux fiches" in html
    assert "<li>1 inscription (Vill@ges connectés)</li>" in html
    assert Person.objects.filter(pk=removed.pk).exists()  # nothing done before confirming
    done = client.post(
        url,
        {"avec": removed.public_id, **chosen(phone="removed"), "confirmer": "1"},
        follow=True,
    )
    assert "Les deux fiches sont fusionnées : 1 enregistrement rattaché" in done.content.decode()
    assert not Person.objects.filter(pk=removed.pk).exists()
    kept.refresh_from_db()
    assert (kept.phone, kept.commune) == ("0699887766", "")


def test_a_refused_merge_says_why_on_the_page(client, admin, pair, site):
    kept, removed = pair
    cohort = CohortFactory(site=site, start_date=D(2026, 3, 2), end_date=D(2026, 4, 10))
    EnrollmentFactory(cohort=cohort, person=kept, exited=True)
    EnrollmentFactory(cohort=cohort, person=removed, abandon=True, dropout_reason="sante")
    client.force_login(admin)
    response = client.post(
        reverse("persons:merge", args=[kept.public_id]),
        {"avec": removed.public_id, **chosen(), "confirmer": "1"},
    )
    html = response.content.decode()
    assert "La fusion n&#x27;a pas été faite" in html or "La fusion n'a pas été faite" in html
    assert "sorties différentes" in html
    assert Person.objects.filter(pk=removed.pk).exists()


def test_the_choice_page_lists_the_possible_duplicates_and_searches(client, admin, pair):
    kept, removed = pair
    PersonFactory(site=kept.site, last_name="Durand", first_name="Paul")
    client.force_login(admin)
    url = reverse("persons:merge", args=[kept.public_id])
    html = client.get(url).content.decode()
    assert f"?avec={removed.public_id}" in html and "Durand" not in html
    html = client.get(url, {"q": "durand"}).content.decode()
    assert "DURAND Paul" in html
    html = client.get(url, {"q": "zzzz"}).content.decode()
    assert "Aucune fiche ne correspond à « zzzz »" in html


@pytest.mark.parametrize(
    "role", [Role.TRAVAILLEUR_SOCIAL, Role.MEDIATEUR_NUMERIQUE, Role.VOLONTAIRE, Role.MANAGER]
)
def test_only_admins_may_merge(client_for, pair, role):
    kept, removed = pair
    client = client_for(role)
    url = reverse("persons:merge", args=[kept.public_id])
    assert client.get(url, {"avec": removed.public_id}).status_code == 404
    response = client.post(url, {"avec": removed.public_id, "confirmer": "1"})
    assert response.status_code == 404
    assert Person.objects.filter(pk=removed.pk).exists()
    detail = client.get(reverse("persons:detail", args=[kept.public_id])).content.decode()
    assert url not in detail
