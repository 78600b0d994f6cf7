"""A social worker runs a cohort in the browser: create it, enroll, log follow-ups, exits,
3-month situations, activities, events, testimonials; lists keep a constant query count."""

import datetime

import pytest
from django.urls import reverse

from ceis.choices import JournalAction, Role
from ceis.models import JournalEntry, Person
from ceis.tests.factories import PersonFactory
from unisvers import models
from unisvers.models import Cohort, Enrollment, FollowUp, Target

from . import factories
from .conftest import SECRET_NOTE

D = datetime.date


def test_creating_a_cohort_generates_its_calendar_and_is_journalled(client, referent, site):
    client.force_login(referent)
    response = client.post(
        reverse("unisvers:cohort_create"),
        {
            "site": site.pk,
            "name": "Promotion Pâques",
            "start_date": "2026-03-30",
            "end_date": "2026-04-10",
            "weekdays": ["mon", "tue", "thu"],
            "capacity": 18,
            "referents": [referent.pk],
        },
        follow=True,
    )
    cohort = Cohort.objects.get()
    assert "créée avec 5 jours de rencontre" in response.content.decode()
    assert D(2026, 4, 6) not in set(cohort.meeting_days.values_list("date", flat=True))
    entry = JournalEntry.objects.get(action=JournalAction.CREATE, object_type="unisvers.cohort")
    assert "name" in entry.payload["fields"] and "Promotion Pâques" not in str(entry.payload)


def test_a_refused_cohort_keeps_what_was_typed(client, referent, site):
    client.force_login(referent)
    response = client.post(
        reverse("unisvers:cohort_create"),
        {
            "site": site.pk,
            "name": "Ma promo",
            "start_date": "2026-04-10",
            "end_date": "2026-03-01",
            "weekdays": ["mon"],
            "capacity": 20,
        },
    )
    html = response.content.decode()
    assert "La fin de la promotion précède son début." in html
    assert 'value="Ma promo"' in html
    assert not Cohort.objects.exists()


def test_enrollment_flow_search_then_intake_with_capacity_warning(client, referent, cohort, site):
    cohort.capacity = 1
    cohort.save()
    factories.EnrollmentFactory(cohort=cohort)
    person = PersonFactory(site=site, last_name="Zerbib", first_name="Amina")
    client.force_login(referent)
    search = client.get(reverse("unisvers:enroll_search", args=[cohort.public_id]), {"q": "zerb"})
    assert "ZERBIB Amina" in search.content.decode()
    intake_url = reverse("unisvers:enroll_intake", args=[cohort.public_id, person.public_id])
    page = client.get(intake_url).content.decode()
    assert "capacité de 1" in page and "Vous pouvez tout de même" in page
    response = client.post(
        intake_url,
        {
            "entry_date": "2026-03-02",
            "referral_source": "france_travail",
            "referral_date": "2026-02-15",
            "referral_adviser": "M. Durand",
            "minimum_income": "rsa",
            "monthly_income_eur": "520",
            "household": "monoparental",
            "barriers": ["logement", "mobilite"],
            "domestic_violence": "True",
            "health_problem": "",
            "confidence_entry": "3",
        },
        follow=True,
    )
    html = response.content.decode()
    assert "est inscrit·e" in html and "2 participants pour une capacité de 1" in html
    enrollment = Enrollment.objects.get(person=person)
    assert enrollment.barriers == ["logement", "mobilite"]
    assert enrollment.domestic_violence is True and enrollment.health_problem is None
    assert enrollment.monthly_income_eur == 520


def test_enrolling_a_new_person_warns_about_a_duplicate(client, referent, cohort, site):
    PersonFactory(site=site, last_name="Martin", first_name="Lucie", birth_date=D(1985, 5, 4))
    client.force_login(referent)
    url = reverse("unisvers:enroll_new_person", args=[cohort.public_id])
    data = {
        "site": site.pk,
        "last_name": "MARTIN",
        "first_name": "lucie",
        "birth_date": "1985-05-04",
    }
    html = client.post(url, data).content.decode()
    assert "Cette personne existe peut-être déjà" in html
    assert Person.objects.count() == 1
    response = client.post(url, {**data, "confirm_not_duplicate": "on"})
    created = Person.objects.exclude(first_name="Lucie").get()
    assert response["Location"] == reverse(
        "unisvers:enroll_intake", args=[cohort.public_id, created.public_id]
    )


def test_overlapping_enrollment_is_refused_on_the_intake_form(client, referent, cohort, site):
    enrollment = factories.EnrollmentFactory(cohort=cohort)
    other = factories.CohortFactory(site=site, start_date=D(2026, 4, 1), end_date=D(2026, 5, 1))
    client.force_login(referent)
    response = client.post(
        reverse("unisvers:enroll_intake", args=[other.public_id, enrollment.person.public_id]),
        {"entry_date": "2026-04-01"},
    )
    assert "déjà inscrite sur la même période" in response.content.decode()
    assert Enrollment.objects.count() == 1


def test_exit_form_refuses_abandon_without_reason_and_keeps_entries(client, referent, cohort):
    enrollment = factories.EnrollmentFactory(cohort=cohort)
    client.force_login(referent)
    url = reverse("unisvers:enrollment_exit", args=[enrollment.public_id])
    html = client.post(
        url, {"exit_date": "2026-03-20", "exit_outcome": "abandon", "confidence_exit": "5"}
    ).content.decode()
    assert "Un abandon demande sa raison." in html
    assert 'value="2026-03-20"' in html
    html = client.post(
        url, {"exit_date": "2026-02-01", "exit_outcome": "formation"}
    ).content.decode()
    assert "La date de sortie ne peut pas précéder la date d&#x27;entrée." in html
    client.post(
        url,
        {"exit_date": "2026-03-20", "exit_outcome": "abandon", "dropout_reason": "mobilite"},
    )
    enrollment.refresh_from_db()
    assert (enrollment.exit_outcome, enrollment.dropout_reason) == ("abandon", "mobilite")
    response = client.post(
        reverse("unisvers:enrollment_followup_3m", args=[enrollment.public_id]),
        {"followup_3m_date": "2026-06-22", "followup_3m_situation": "iae"},
        follow=True,
    )
    assert "La situation à 3 mois est enregistrée." in response.content.decode()
    enrollment.refresh_from_db()
    assert enrollment.followup_3m_situation == "iae"


def test_referent_adds_a_followup_and_the_journal_holds_no_note(client, referent, cohort):
    enrollment = factories.EnrollmentFactory(cohort=cohort)
    client.force_login(referent)
    response = client.post(
        reverse("unisvers:followup_create", args=[enrollment.person.public_id]),
        {
            "date": "2026-03-12",
            "kind": "logement",
            "enrollment": enrollment.pk,
            "note": SECRET_NOTE,
        },
        follow=True,
    )
    html = response.content.decode()
    assert "Le suivi est ajouté." in html and SECRET_NOTE in html
    followup = FollowUp.objects.get()
    assert (followup.author, followup.enrollment) == (referent, enrollment)
    entry = JournalEntry.objects.get(object_type="unisvers.followup")
    assert "note" in entry.payload["fields"] and SECRET_NOTE not in str(entry.payload)


def test_non_referent_cannot_post_a_followup(client_for, cohort):
    enrollment = factories.EnrollmentFactory(cohort=cohort)
    client = client_for(Role.TRAVAILLEUR_SOCIAL)
    response = client.post(
        reverse("unisvers:followup_create", args=[enrollment.person.public_id]),
        {"date": "2026-03-12", "kind": "logement", "note": "x"},
    )
    assert response.status_code == 404 and not FollowUp.objects.exists()


def test_activity_with_participants_shows_time_per_space(client, referent, cohort):
    enrollments = [factories.EnrollmentFactory(cohort=cohort) for _ in range(3)]
    client.force_login(referent)
    client.post(
        reverse("unisvers:activity_create", args=[cohort.public_id]),
        {
            "date": "2026-03-03",
            "space": "culture_sport_sante",
            "title": "Visite du centre-ville – Architectures Vives",
            "duration_min": "150",
            "participants": [e.person.pk for e in enrollments[:2]],
        },
    )
    html = client.get(cohort.get_absolute_url()).content.decode()
    assert "Architectures Vives" in html and "2 participants" in html
    assert "<td>Culture / sport / santé</td><td>1</td><td>2,5 h</td>" in html


def test_participant_file_gathers_enrollments_events_and_testimonials(client, referent, cohort):
    enrollment = factories.EnrollmentFactory(cohort=cohort, exited=True)
    event = factories.EventFactory(site=cohort.site, title="Les anciens se retrouvent")
    event.attendees.add(enrollment.person)
    client.force_login(referent)
    url = reverse("unisvers:participant", args=[enrollment.person.public_id])
    client.post(
        reverse("unisvers:testimonial_create", args=[enrollment.person.public_id]),
        {
            "date": "2026-04-20",
            "display_name": "Sam",
            "quote": "Un vrai déclic.",
            "publication_consent": "on",
        },
    )
    html = client.get(url).content.decode()
    assert "Promotion printemps" in html and "Emploi durable" in html
    assert "Les anciens se retrouvent" in html
    assert "Un vrai déclic." in html and "publication autorisée" in html
    assert models.Testimonial.objects.get().publication_consent is True


def test_event_attendance_is_recorded_from_the_event_page(client, referent, cohort):
    enrollments = [factories.EnrollmentFactory(cohort=cohort) for _ in range(3)]
    client.force_login(referent)
    response = client.post(
        reverse("unisvers:event_create"),
        {"site": cohort.site.pk, "date": "2026-06-20", "kind": "alumni", "title": "Anciens"},
    )
    event_url = response["Location"]
    client.post(event_url, {"attendees": [str(e.person.public_id) for e in enrollments[:2]]})
    html = client.get(reverse("unisvers:event_list")).content.decode()
    assert "Anciens" in html and "<td>2</td>" in html


def test_manager_sets_a_target_and_a_social_worker_cannot(client_for, site):
    manager_client = client_for(Role.MANAGER)
    response = manager_client.post(
        reverse("unisvers:target_list"),
        {"site": site.pk, "year": 2026, "persons": 200},
        follow=True,
    )
    assert "Objectif 2026 de CEIS des Arceaux : 200 personnes." in response.content.decode()
    manager_client.post(
        reverse("unisvers:target_list"), {"site": site.pk, "year": 2026, "persons": 180}
    )
    assert list(Target.objects.values_list("persons", flat=True)) == [180]


def test_a_social_worker_cannot_set_a_target(client_for, site):
    client = client_for(Role.TRAVAILLEUR_SOCIAL)
    response = client.post(
        reverse("unisvers:target_list"), {"site": site.pk, "year": 2026, "persons": 1}
    )
    assert response.status_code == 403 and not Target.objects.exists()


@pytest.mark.parametrize("rows", [2, 12])
def test_cohort_list_query_count_is_constant(
    client, referent, site, rows, django_assert_max_num_queries
):
    for _ in range(rows):
        cohort = factories.CohortFactory(site=site, referents=[referent], calendar=False)
        factories.EnrollmentFactory(cohort=cohort)
    client.force_login(referent)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("unisvers:cohort_list"))
    assert f"{rows} promotions" in response.content.decode()


def test_cohort_list_filters_by_status_and_year(client, referent, site, time_machine):
    time_machine.move_to(datetime.datetime(2026, 3, 20, 12, 0))
    factories.CohortFactory(
        site=site, name="Passee", start_date=D(2025, 9, 1), end_date=D(2025, 10, 10), calendar=False
    )
    factories.CohortFactory(
        site=site,
        name="Courante",
        start_date=D(2026, 3, 2),
        end_date=D(2026, 4, 10),
        calendar=False,
    )
    client.force_login(referent)
    url = reverse("unisvers:cohort_list")
    html = client.get(url, {"status": "en_cours"}).content.decode()
    assert "Courante" in html and "Passee" not in html
    html = client.get(url, {"year": "2025"}).content.decode()
    assert "Passee" in html and "Courante" not in html
    html = client.get(url, {"q": "cour"}, headers={"HX-Request": "true"}).content.decode()
    assert "1 promotion" in html and "<html" not in html


@pytest.mark.parametrize("rows", [2, 15])
def test_cohort_page_query_count_is_constant(
    client, referent, cohort, rows, django_assert_max_num_queries
):
    for _ in range(rows):
        enrollment = factories.EnrollmentFactory(cohort=cohort)
        factories.ActivityFactory(cohort=cohort).participants.add(enrollment.person)
    client.force_login(referent)
    with django_assert_max_num_queries(16):
        response = client.get(cohort.get_absolute_url())
    assert f"{rows} participants en cours" in response.content.decode()


@pytest.mark.parametrize("rows", [2, 15])
def test_participant_file_query_count_is_constant(
    client, referent, site, rows, django_assert_max_num_queries
):
    person = PersonFactory(site=site)
    for index in range(rows):
        cohort = factories.CohortFactory(
            site=site,
            referents=[referent],
            calendar=False,
            start_date=D(2020, 1, 6) + datetime.timedelta(days=70 * index),
            end_date=D(2020, 2, 14) + datetime.timedelta(days=70 * index),
        )
        factories.EnrollmentFactory(cohort=cohort, person=person, exited=True)
        factories.FollowUpFactory(person=person, cohort=cohort)
    client.force_login(referent)
    with django_assert_max_num_queries(22):
        response = client.get(reverse("unisvers:participant", args=[person.public_id]))
    assert f"{rows} inscriptions" in response.content.decode()


@pytest.mark.parametrize("rows", [2, 12])
def test_event_and_testimonial_lists_query_counts_are_constant(
    client, referent, cohort, rows, django_assert_max_num_queries
):
    for _ in range(rows):
        enrollment = factories.EnrollmentFactory(cohort=cohort)
        factories.EventFactory(site=cohort.site).attendees.add(enrollment.person)
        factories.TestimonialFactory(person=enrollment.person)
    client.force_login(referent)
    with django_assert_max_num_queries(11):
        events = client.get(reverse("unisvers:event_list")).content.decode()
    with django_assert_max_num_queries(11):
        testimonials = client.get(reverse("unisvers:testimonial_list")).content.decode()
    assert f"{rows} événements" in events and f"{rows} témoignages" in testimonials


def test_cohort_list_sorts_by_name_and_by_enrolled(client, referent, site):
    small = factories.CohortFactory(site=site, name="Alpha", calendar=False)
    big = factories.CohortFactory(site=site, name="Beta", calendar=False)
    factories.EnrollmentFactory(cohort=small)
    for _ in range(3):
        factories.EnrollmentFactory(cohort=big)
    client.force_login(referent)
    url = reverse("unisvers:cohort_list")
    html = client.get(url, {"ordering": "-nom"}).content.decode()
    assert html.index("Beta") < html.index("Alpha")
    html = client.get(url, {"ordering": "inscrits"}).content.decode()
    assert html.index("Alpha") < html.index("Beta")
    assert "<td>3 / 20</td>" in html


def test_event_list_search_and_kind_filter(client, referent, site):
    factories.EventFactory(site=site, title="Rencontre des anciens 2026", kind="alumni")
    factories.EventFactory(site=site, title="Comité de juin", kind="comite_usagers")
    client.force_login(referent)
    url = reverse("unisvers:event_list")
    html = client.get(url, {"q": "anciens"}).content.decode()
    assert "1 événement" in html and "Comité de juin" not in html
    html = client.get(url, {"kind": "comite_usagers"}).content.decode()
    assert "Comité de juin" in html and "Rencontre des anciens 2026" not in html


def test_enrollment_is_journalled_with_field_names_only(client, referent, cohort, site):
    person = PersonFactory(site=site)
    client.force_login(referent)
    client.post(
        reverse("unisvers:enroll_intake", args=[cohort.public_id, person.public_id]),
        {
            "entry_date": "2026-03-02",
            "household": "seul",
            "domestic_violence": "True",
            "monthly_income_eur": "480",
        },
    )
    entry = JournalEntry.objects.get(object_type="unisvers.enrollment")
    assert entry.action == JournalAction.CREATE
    assert {"domestic_violence", "household", "monthly_income_eur"} <= set(entry.payload["fields"])
    # Only field names: no value (480, "seul", True) is stored in the journal.
    assert set(entry.payload) == {"fields"}
    field_names = {field.name for field in Enrollment._meta.get_fields()}
    assert set(entry.payload["fields"]) <= field_names


@pytest.mark.parametrize("rows", [2, 12])
def test_search_event_page_and_targets_query_counts_are_constant(
    client, referent, cohort, site, rows, django_assert_max_num_queries
):
    event = factories.EventFactory(site=site)
    for index in range(rows):
        enrollment = factories.EnrollmentFactory(cohort=cohort, person__last_name="Dupont")
        event.attendees.add(enrollment.person)
        factories.TargetFactory(site=site, year=2000 + index)
    client.force_login(referent)
    search = reverse("unisvers:enroll_search", args=[cohort.public_id])
    with django_assert_max_num_queries(14):
        html = client.get(search, {"q": "dupont"}).content.decode()
    assert f"{rows} résultats" in html
    with django_assert_max_num_queries(12):
        html = client.get(event.get_absolute_url()).content.decode()
    assert f"{rows} participants" in html
    with django_assert_max_num_queries(10):
        html = client.get(reverse("unisvers:target_list")).content.decode()
    assert html.count("<td>200</td>") == rows


def test_a_mistaken_enrollment_is_undone_after_confirmation(client, referent, cohort):
    enrollment = factories.EnrollmentFactory(cohort=cohort)
    other = factories.EnrollmentFactory(cohort=cohort)
    day = cohort.meeting_days.get(date=D(2026, 3, 3))
    from unisvers import services

    services.register_save(
        cohort=cohort,
        day=day,
        statuses={enrollment.person_id: "present", other.person_id: "present"},
        user=referent,
    )
    client.force_login(referent)
    url = reverse("unisvers:enrollment_delete", args=[enrollment.public_id])
    page = client.get(url).content.decode()
    assert "et sa présence aux registres" in page
    assert Enrollment.objects.filter(pk=enrollment.pk).exists()
    response = client.post(url, follow=True)
    assert "est annulée" in response.content.decode()
    assert list(Enrollment.objects.values_list("pk", flat=True)) == [other.pk]
    assert list(cohort.attendances.values_list("person_id", flat=True)) == [other.person_id]
    assert Person.objects.filter(pk=enrollment.person_id).exists()
    entry = JournalEntry.objects.get(action=JournalAction.DELETE)
    assert entry.object_ref == str(enrollment.public_id) and entry.payload == {"attendance": 1}


def test_a_manager_cannot_undo_an_enrollment(client_for, cohort):
    enrollment = factories.EnrollmentFactory(cohort=cohort)
    client = client_for(Role.MANAGER)
    url = reverse("unisvers:enrollment_delete", args=[enrollment.public_id])
    assert client.post(url).status_code == 404
    assert Enrollment.objects.filter(pk=enrollment.pk).exists()


# Referents and hand-over (security.md row 17) -------------------------------------------------

COHORT_POST = {
    "name": "Promotion auto-désignée",
    "start_date": "2026-03-30",
    "end_date": "2026-04-10",
    "weekdays": ["mon", "tue", "thu"],
    "capacity": 18,
}


def test_a_social_worker_cannot_name_referents_by_posting_them(client, referent, site):
    """The cohort form has no referents field for a social worker: a crafted POST naming
    themself (or anyone) names nobody, at creation as at modification."""
    client.force_login(referent)
    form = client.get(reverse("unisvers:cohort_create")).content.decode()
    assert 'name="referents"' not in form
    response = client.post(
        reverse("unisvers:cohort_create"),
        {**COHORT_POST, "site": site.pk, "referents": [referent.pk]},
    )
    assert response.status_code == 302
    cohort = Cohort.objects.get()
    assert list(cohort.referents.all()) == []
    colleague = factories.CohortFactory(site=site, referents=[])
    response = client.post(
        reverse("unisvers:cohort_update", args=[colleague.public_id]),
        {**COHORT_POST, "name": colleague.name, "site": site.pk, "referents": [referent.pk]},
    )
    assert response.status_code == 302
    assert list(colleague.referents.all()) == []


def test_an_admin_names_referents_in_the_cohort_form(client_for, referent, site):
    client = client_for(Role.ADMIN)
    assert 'name="referents"' in client.get(reverse("unisvers:cohort_create")).content.decode()
    client.post(
        reverse("unisvers:cohort_create"),
        {**COHORT_POST, "site": site.pk, "referents": [referent.pk]},
    )
    assert list(Cohort.objects.get().referents.all()) == [referent]


def test_a_manager_names_the_referents_of_a_cohort_and_it_is_journalled(
    client_for, make_user, referent, cohort
):
    colleague = make_user(Role.TRAVAILLEUR_SOCIAL, username="collegue")
    client = client_for(Role.MANAGER)
    url = reverse("unisvers:cohort_referents", args=[cohort.public_id])
    page = client.get(url).content.decode()
    assert "Référents de la promotion" in page and str(colleague) in page
    response = client.post(url, {"referents": [referent.pk, colleague.pk]}, follow=True)
    assert "Les référents de « Promotion printemps » sont enregistrés." in response.content.decode()
    assert set(cohort.referents.all()) == {referent, colleague}
    entry = JournalEntry.objects.get(action=JournalAction.UPDATE, object_type="unisvers.cohort")
    assert entry.payload["fields"] == ["referents"]


def test_a_social_worker_cannot_open_the_referents_page(client, referent, cohort):
    client.force_login(referent)
    url = reverse("unisvers:cohort_referents", args=[cohort.public_id])
    assert client.get(url).status_code == 404
    assert client.post(url, {"referents": [referent.pk]}).status_code == 404


@pytest.fixture
def handed_world(site, other_site, make_user, referent, cohort):
    """The referent's participant with one entry; another enrollment of the same person in a
    colleague's cohort, with its own entry."""
    enrollment = factories.EnrollmentFactory(cohort=cohort, exited=True)
    mine = factories.FollowUpFactory(
        person=enrollment.person, enrollment=enrollment, note="Note de la référente"
    )
    elsewhere_referent = make_user(Role.TRAVAILLEUR_SOCIAL, username="autre-referente")
    later = factories.CohortFactory(
        site=site,
        referents=[elsewhere_referent],
        start_date=D(2026, 9, 7),
        end_date=D(2026, 10, 16),
    )
    later_enrollment = factories.EnrollmentFactory(
        cohort=later, person=enrollment.person, entry_date=D(2026, 9, 7)
    )
    theirs = factories.FollowUpFactory(
        person=enrollment.person,
        enrollment=later_enrollment,
        date=D(2026, 9, 10),
        note="Note de l'autre promotion",
    )
    return {
        "enrollment": enrollment,
        "mine": mine,
        "theirs": theirs,
        "colleague": make_user(Role.TRAVAILLEUR_SOCIAL, username="collegue"),
        "mediator": make_user(Role.MEDIATEUR_NUMERIQUE, username="mediatrice"),
        "stranger": make_user(Role.TRAVAILLEUR_SOCIAL, sites=[other_site], username="ailleurs"),
    }


def test_a_referent_hands_a_participant_over_to_a_named_colleague(client, referent, handed_world):
    w = handed_world
    enrollment, colleague = w["enrollment"], w["colleague"]
    participant = reverse("unisvers:participant", args=[enrollment.person.public_id])
    # Before: the colleague reads nothing of the participant's follow-up.
    client.force_login(colleague)
    assert w["mine"].note not in client.get(participant).content.decode()
    edit = reverse("unisvers:followup_update", args=[w["mine"].public_id])
    assert client.get(edit).status_code == 404

    client.force_login(referent)
    assert "Transmettre le suivi" in client.get(participant).content.decode()
    url = reverse("unisvers:enrollment_handover", args=[enrollment.public_id])
    page = client.get(url).content.decode()
    # Only social workers of the cohort's site, not the referent themself.
    assert str(colleague) in page
    assert str(w["stranger"]) not in page and str(w["mediator"]) not in page
    refused = client.post(url, {"to_user": colleague.pk})
    assert "Cochez la case pour confirmer la transmission." in refused.content.decode()
    assert not models.Handover.objects.exists()
    response = client.post(url, {"to_user": colleague.pk, "confirm": "on"}, follow=True)
    assert "est transmis à" in response.content.decode()
    handover = models.Handover.objects.get()
    assert (handover.enrollment, handover.from_user, handover.to_user) == (
        enrollment,
        referent,
        colleague,
    )
    entry = JournalEntry.objects.get(
        action=JournalAction.UPDATE, object_ref=str(enrollment.public_id)
    )
    assert entry.user == referent
    assert entry.payload == {"fields": ["handovers"], "to_user": colleague.pk}

    # After: the colleague reads and writes that enrollment's entries, and only those.
    client.force_login(colleague)
    page = client.get(participant).content.decode()
    assert w["mine"].note in page and w["theirs"].note not in page
    assert client.get(edit).status_code == 200
    client.post(edit, {"date": "2026-03-10", "kind": "entretien", "note": "Complétée"})
    w["mine"].refresh_from_db()
    assert w["mine"].note == "Complétée"
    other_edit = reverse("unisvers:followup_update", args=[w["theirs"].public_id])
    assert client.get(other_edit).status_code == 404


def test_a_follow_up_is_handed_over_only_to_a_social_worker_of_the_site(
    client, referent, handed_world
):
    w = handed_world
    client.force_login(referent)
    url = reverse("unisvers:enrollment_handover", args=[w["enrollment"].public_id])
    for user in (w["stranger"], w["mediator"], referent):
        response = client.post(url, {"to_user": user.pk, "confirm": "on"})
        assert response.status_code == 200
        assert "Sélectionnez un choix valide" in response.content.decode()
    assert not models.Handover.objects.exists()


def test_only_who_is_in_charge_of_an_enrollment_hands_it_over(client, handed_world):
    """The referent of the person's other cohort cannot hand over this enrollment."""
    w = handed_world
    client.force_login(models.Cohort.objects.get(start_date=D(2026, 9, 7)).referents.get())
    url = reverse("unisvers:enrollment_handover", args=[w["enrollment"].public_id])
    assert client.get(url).status_code == 404
    assert client.post(url, {"to_user": w["colleague"].pk, "confirm": "on"}).status_code == 404
    assert not models.Handover.objects.exists()


def test_an_enrollment_with_follow_up_entries_cannot_be_undone(client, referent, handed_world):
    enrollment = handed_world["enrollment"]
    client.force_login(referent)
    url = reverse("unisvers:enrollment_delete", args=[enrollment.public_id])
    response = client.post(url, follow=True)
    assert "ne peut pas être annulée" in response.content.decode()
    assert Enrollment.objects.filter(pk=enrollment.pk).exists()


def test_a_hand_over_is_withdrawn_and_the_colleague_reads_nothing_more(
    client, referent, handed_world
):
    from unisvers import services

    w = handed_world
    enrollment, colleague = w["enrollment"], w["colleague"]
    handover = services.handover_create(enrollment=enrollment, to_user=colleague, user=referent)
    edit = reverse("unisvers:followup_update", args=[w["mine"].public_id])
    client.force_login(colleague)
    assert client.get(edit).status_code == 200

    client.force_login(referent)
    url = reverse("unisvers:enrollment_handover", args=[enrollment.public_id])
    assert "Retirer la transmission" in client.get(url).content.decode()
    for wrong in ("abc", "²", "9" * 40, "0"):
        assert client.post(url, {"retirer": wrong}).status_code == 404
    response = client.post(url, {"retirer": str(handover.pk)}, follow=True)
    assert "est retirée" in response.content.decode()
    assert not models.Handover.objects.exists()
    entry = JournalEntry.objects.filter(object_ref=str(enrollment.public_id)).latest("id")
    assert entry.payload == {"fields": ["handovers"], "revoked": colleague.pk}

    client.force_login(colleague)
    assert client.get(edit).status_code == 404
