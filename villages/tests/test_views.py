"""Screens: what each role sees and may do, site scoping, query counts, journal."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from ceis.choices import JournalAction, Role
from ceis.models import JournalEntry, Person
from ceis.tests.factories import PersonFactory
from villages.choices import Attendance, DigitalTheme, Procedure, RegistrationStatus, SkillLevel
from villages.models import Assessment, IndividualHelp, Registration, Session, Visit

from .factories import (
    AssessmentFactory,
    IndividualHelpFactory,
    RegistrationFactory,
    SessionFactory,
    VisitFactory,
    WorkshopFactory,
)


def _page(response):
    return response.content.decode()


# Sessions ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_week_view_shows_this_weeks_sessions_with_seats_left(client_for, site, other_site):
    client = client_for(Role.MEDIATEUR_NUMERIQUE)
    session = SessionFactory(site=site, today=True, capacity=5, workshop__title="Premiers pas")
    RegistrationFactory.create_batch(2, session=session)
    SessionFactory(site=other_site, today=True, workshop__title="Atelier d'un autre site")
    response = client.get(reverse("villages:session_week"))
    page = _page(response)
    assert "Premiers pas" in page
    assert "3 places libres" in page
    assert "Atelier d'un autre site" not in page


@pytest.mark.django_db
def test_full_session_shows_complet_and_waiting_count(client_for, site):
    client = client_for(Role.MEDIATEUR_NUMERIQUE)
    session = SessionFactory(site=site, capacity=1)
    RegistrationFactory(session=session)
    RegistrationFactory(session=session, waiting=True)
    month = timezone.localtime(session.start).strftime("%Y-%m")
    page = _page(client.get(reverse("villages:session_month") + f"?mois={month}"))
    assert "Complet" in page
    assert "1 en liste d'attente" in page


@pytest.mark.django_db
def test_creating_a_weekly_series_creates_one_session_per_week(client_for, site):
    client = client_for(Role.MEDIATEUR_NUMERIQUE)
    workshop = WorkshopFactory()
    tuesday = datetime.date(2030, 1, 1)  # a Tuesday
    response = client.post(
        reverse("villages:session_create"),
        {
            "workshop": workshop.pk,
            "site": site.pk,
            "date": tuesday.isoformat(),
            "time": "14:00",
            "duration_min": 90,
            "capacity": 8,
            "repeat_weekly": "on",
            "until": "2030-01-29",
        },
    )
    assert response.status_code == 302
    starts = [timezone.localtime(s.start) for s in Session.objects.order_by("start")]
    assert [s.date().isoformat() for s in starts] == [
        "2030-01-01",
        "2030-01-08",
        "2030-01-15",
        "2030-01-22",
        "2030-01-29",
    ]
    assert {(s.weekday(), s.hour, s.minute) for s in starts} == {(1, 14, 0)}
    assert len({s.series_id for s in Session.objects.all()}) == 1


@pytest.mark.django_db
def test_a_series_ending_before_it_starts_is_refused_and_keeps_the_entries(client_for, site):
    client = client_for(Role.MEDIATEUR_NUMERIQUE)
    workshop = WorkshopFactory()
    response = client.post(
        reverse("villages:session_create"),
        {
            "workshop": workshop.pk,
            "site": site.pk,
            "date": "2030-01-08",
            "time": "14:00",
            "duration_min": 90,
            "capacity": 8,
            "facilitator": "Karim",
            "repeat_weekly": "on",
            "until": "2030-01-01",
        },
    )
    page = _page(response)
    assert "La fin de la série est avant sa première date." in page
    assert 'value="Karim"' in page
    assert Session.objects.count() == 0


@pytest.mark.django_db
def test_registering_from_the_session_page_then_waiting_list(client_for, site):
    client = client_for(Role.MEDIATEUR_NUMERIQUE)
    session = SessionFactory(site=site, capacity=1)
    first, second = PersonFactory(site=site), PersonFactory(site=site)
    url = reverse("villages:session_register", args=[session.public_id])
    client.post(url, {"person": first.public_id})
    response = client.post(url, {"person": second.public_id}, follow=True)
    page = _page(response)
    assert "est sur la liste d&#x27;attente" in page or "est sur la liste d'attente" in page
    assert dict(Registration.objects.values_list("person_id", "status")) == {
        first.pk: RegistrationStatus.INSCRIT,
        second.pk: RegistrationStatus.LISTE_ATTENTE,
    }


@pytest.mark.django_db
def test_registering_a_new_person_warns_of_a_duplicate_and_creates_nothing(client_for, site):
    client = client_for(Role.MEDIATEUR_NUMERIQUE)
    session = SessionFactory(site=site)
    existing = PersonFactory(
        site=site, last_name="Benali", first_name="Yasmina", birth_date=datetime.date(1958, 5, 2)
    )
    data = {
        "nouvelle-last_name": "BENALI",
        "nouvelle-first_name": "yasmina",
        "nouvelle-birth_year": "1958",
        "nouvelle-phone": "06 11 22 33 44",
        "nouvelle-site": site.pk,
    }
    response = client.post(reverse("villages:session_register", args=[session.public_id]), data)
    page = _page(response)
    assert "Cette personne existe peut-être déjà" in page
    assert str(existing.public_id) in page
    assert 'value="06 11 22 33 44"' in page
    assert Person.objects.count() == 1
    assert Registration.objects.count() == 0

    data["nouvelle-confirm_not_duplicate"] = "on"
    client.post(reverse("villages:session_register", args=[session.public_id]), data)
    assert Person.objects.count() == 2
    assert Registration.objects.get().person.phone == "06 11 22 33 44"


@pytest.mark.django_db
def test_cancelling_asks_first_then_promotes(client_for, site):
    client = client_for(Role.MEDIATEUR_NUMERIQUE)
    session = SessionFactory(site=site, capacity=1)
    seat = RegistrationFactory(session=session)
    waiting = RegistrationFactory(session=session, waiting=True)
    url = reverse("villages:registration_cancel", args=[seat.public_id])
    assert "Annuler l&#x27;inscription de" in _page(client.get(url)) or "Annuler l'inscription" in (
        _page(client.get(url))
    )
    seat.refresh_from_db()
    assert seat.status == RegistrationStatus.INSCRIT
    page = _page(client.post(url, follow=True))
    assert f"{waiting.person} passe de la liste d" in page
    waiting.refresh_from_db()
    assert waiting.status == RegistrationStatus.INSCRIT


@pytest.mark.django_db
def test_session_detail_lists_registered_and_waiting(
    client_for, site, django_assert_max_num_queries
):
    client = client_for(Role.MEDIATEUR_NUMERIQUE)
    session = SessionFactory(site=site, capacity=3)
    registered = RegistrationFactory.create_batch(3, session=session)
    waiting = RegistrationFactory(session=session, waiting=True)
    with django_assert_max_num_queries(15):
        page = _page(client.get(session.get_absolute_url()))
    for registration in registered:
        assert str(registration.person) in page
    assert "Liste d&#x27;attente (1)" in page or "Liste d'attente (1)" in page
    assert str(waiting.person) in page


@pytest.mark.django_db
def test_deleting_a_session_asks_first(client_for, site):
    client = client_for(Role.MEDIATEUR_NUMERIQUE)
    session = SessionFactory(site=site)
    url = reverse("villages:session_delete", args=[session.public_id])
    assert "Supprimer définitivement" in _page(client.get(url))
    assert Session.objects.count() == 1
    client.post(url)
    assert Session.objects.count() == 0
    assert JournalEntry.objects.filter(
        action=JournalAction.DELETE, object_ref=str(session.public_id)
    ).exists()


# Check-in ----------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.MEDIATEUR_NUMERIQUE, Role.VOLONTAIRE])
def test_check_in_marks_attendance_with_htmx(client_for, site, role):
    client = client_for(role)
    registration = RegistrationFactory(session__site=site, session__today=True)
    url = reverse("villages:registration_attendance", args=[registration.public_id])
    response = client.post(url, {"attendance": "present"}, HTTP_HX_REQUEST="true")
    registration.refresh_from_db()
    assert registration.attendance == Attendance.PRESENT
    page = _page(response)
    assert "✓ Présent·e" in page
    assert 'value="absent"' in page  # the next tap marks absent
    client.post(url, {"attendance": "absent"}, HTTP_HX_REQUEST="true")
    registration.refresh_from_db()
    assert registration.attendance == Attendance.ABSENT


@pytest.mark.django_db
def test_check_in_works_without_javascript(client_for, site):
    client = client_for(Role.VOLONTAIRE)
    registration = RegistrationFactory(session__site=site, session__today=True)
    url = reverse("villages:registration_attendance", args=[registration.public_id])
    response = client.post(url, {"attendance": "present"})
    assert response["Location"] == reverse(
        "villages:session_checkin", args=[registration.session.public_id]
    )
    registration.refresh_from_db()
    assert registration.attendance == Attendance.PRESENT


@pytest.mark.django_db
def test_check_in_screen_has_large_targets_and_constant_queries(
    client_for, site, django_assert_max_num_queries
):
    client = client_for(Role.VOLONTAIRE)
    session = SessionFactory(site=site, today=True, capacity=30)
    RegistrationFactory.create_batch(20, session=session)
    with django_assert_max_num_queries(14):
        page = _page(client.get(reverse("villages:session_checkin", args=[session.public_id])))
    assert page.count("ceis-touch vc-toggle") == 20
    assert "Pas encore pointé·e" in page


@pytest.mark.django_db
def test_walk_in_adds_a_new_person_present(client_for, site):
    client = client_for(Role.VOLONTAIRE)
    session = SessionFactory(site=site, today=True, capacity=1)
    RegistrationFactory(session=session)
    client.post(
        reverse("villages:session_walk_in", args=[session.public_id]),
        {"nouvelle-last_name": "Durand", "nouvelle-first_name": "Lou", "nouvelle-site": site.pk},
    )
    walk_in = Registration.objects.get(person__last_name="Durand")
    assert (walk_in.status, walk_in.attendance) == (RegistrationStatus.INSCRIT, "present")


@pytest.mark.django_db
def test_a_walk_in_duplicate_is_chosen_with_one_button_that_marks_it_present(client_for, site):
    client = client_for(Role.VOLONTAIRE)
    session = SessionFactory(site=site, today=True)
    existing = PersonFactory(site=site, last_name="Durand", first_name="Lou", birth_date=None)
    url = reverse("villages:session_walk_in", args=[session.public_id])
    data = {"nouvelle-last_name": "DURAND", "nouvelle-first_name": "lou", "nouvelle-site": site.pk}
    page = _page(client.post(url, data))
    choice = page.split("Cette personne existe peut-être déjà")[1].split("</form>")[0]
    assert f'action="{url}"' in choice
    assert f'name="person" value="{existing.public_id}"' in choice
    assert "Choisir cette personne" in choice
    assert "choisissez-la dans la liste" in page
    client.post(url, {"person": existing.public_id})
    walk_in = Registration.objects.get()
    assert (walk_in.person, walk_in.attendance) == (existing, "present")
    assert Person.objects.count() == 1


# Individual help ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_help_form_logs_a_help_with_themes_and_procedures(client_for, site):
    client = client_for(Role.MEDIATEUR_NUMERIQUE)
    person = PersonFactory(site=site)
    response = client.post(
        reverse("villages:help_create"),
        {
            "person": person.public_id,
            "site": site.pk,
            "date": "2026-03-02",
            "duration_min": 25,
            "themes": [DigitalTheme.EMAIL, DigitalTheme.AIDE_AUX_DEMARCHES_ADMINISTRATIVES],
            "procedures": [Procedure.ARGENT_IMPOTS],
            "urgent": "on",
            "autonomy": "partiellement_autonome",
            "orientation": "",
        },
    )
    assert response["Location"] == person.get_absolute_url()
    individual_help = IndividualHelp.objects.get()
    assert individual_help.themes == ["email", "aide_aux_demarches_administratives"]
    assert individual_help.procedures == ["argent_impots"]
    assert individual_help.urgent is True
    assert individual_help.mediator == client.user
    entry = JournalEntry.objects.get(
        action=JournalAction.CREATE, object_type="villages.individualhelp"
    )
    assert "argent_impots" not in str(entry.payload)


@pytest.mark.django_db
def test_help_form_remembers_the_mediators_last_site_and_duration(client_for, site, other_site):
    client = client_for(Role.MEDIATEUR_NUMERIQUE, sites=[site, other_site])
    IndividualHelpFactory(site=other_site, mediator=client.user, duration_min=45)
    page = _page(client.get(reverse("villages:help_create")))
    assert 'name="duration_min" value="45"' in page
    assert f'<option value="{other_site.pk}" selected>' in page
    assert f'value="{timezone.localdate():%Y-%m-%d}"' in page


@pytest.mark.django_db
def test_help_form_refusal_keeps_the_entries(client_for, site):
    client = client_for(Role.MEDIATEUR_NUMERIQUE)
    response = client.post(
        reverse("villages:help_create"),
        {"site": site.pk, "date": "2026-03-02", "duration_min": 40, "themes": ["email"]},
    )
    page = _page(response)
    assert "Ce champ est obligatoire" in page
    assert 'value="40"' in page
    assert re.search(r'<input type="checkbox" name="themes" value="email"[^>]* checked>', page)
    assert not re.search(r'name="themes" value="bureautique"[^>]* checked>', page)
    assert IndividualHelp.objects.count() == 0


@pytest.mark.django_db
def test_help_list_per_mediator_with_constant_queries(
    client_for, site, make_user, django_assert_max_num_queries
):
    client = client_for(Role.MEDIATEUR_NUMERIQUE)
    colleague = make_user(Role.MEDIATEUR_NUMERIQUE)
    mine = IndividualHelpFactory.create_batch(12, site=site, mediator=client.user)
    theirs = IndividualHelpFactory(site=site, mediator=colleague)
    with django_assert_max_num_queries(14):
        page = _page(client.get(reverse("villages:help_list") + f"?mediator={client.user.pk}"))
    assert "(12)" in page
    assert str(mine[0].person) in page
    assert str(theirs.person) not in page


@pytest.mark.django_db
def test_help_list_filters_by_procedure(client_for, site):
    client = client_for(Role.MEDIATEUR_NUMERIQUE)
    caf = IndividualHelpFactory(site=site, procedures=[Procedure.FAMILLE_SCOLARITE])
    taxes = IndividualHelpFactory(site=site, procedures=[Procedure.ARGENT_IMPOTS])
    page = _page(client.get(reverse("villages:help_list") + "?procedure=argent_impots"))
    assert str(taxes.person) in page
    assert str(caf.person) not in page


@pytest.mark.django_db
def test_a_volunteer_cannot_open_a_help_record(client_for, site):
    client = client_for(Role.VOLONTAIRE)
    individual_help = IndividualHelpFactory(site=site)
    # The record's own page answers 404, as for another site's record (security.md row 2).
    response = client.get(individual_help.get_absolute_url())
    assert response.status_code == 404
    assert str(individual_help.person) not in _page(response)
    for url in (reverse("villages:help_list"), reverse("villages:help_create")):
        response = client.get(url)
        assert response.status_code == 403
        assert str(individual_help.person) not in _page(response)
        assert "Accès refusé" in _page(response)


# Visits ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_volunteer_counter_logs_a_visit_and_shows_todays_count(client_for, site):
    client = client_for(Role.VOLONTAIRE)
    VisitFactory(site=site)
    response = client.post(
        reverse("villages:visit_counter"), {"site": site.pk, "volunteer_help": "on"}, follow=True
    )
    page = _page(response)
    assert "Visite enregistrée. 2 visites aujourd" in page
    assert "2</span> visites aujourd" in page
    visit = Visit.objects.latest("created_at")
    assert (visit.volunteer_help, visit.person, visit.recorded_by) == (True, None, client.user)


@pytest.mark.django_db
def test_volunteer_counter_can_name_the_person(client_for, site):
    client = client_for(Role.VOLONTAIRE)
    person = PersonFactory(site=site)
    client.post(reverse("villages:visit_counter"), {"site": site.pk, "person": person.public_id})
    assert Visit.objects.get().person == person


# Assessments -------------------------------------------------------------------------------


def _assessment_post(site, *, yes_keys, internet="1"):
    from villages.assessment import ALL_KEYS

    data = {"site": site.pk, "date": "2026-02-10", "internet_use_3m": internet}
    for key in ALL_KEYS:
        data[f"q_{key}"] = "1" if key in yes_keys else "0"
    data["owns_smartphone"] = "1"
    data["tiers_aidant"] = ""
    return data


@pytest.mark.django_db
def test_assessment_scores_classifies_and_keeps_raw_answers(client_for, site):
    client = client_for(Role.MEDIATEUR_NUMERIQUE)
    person = PersonFactory(site=site)
    yes = {"info_recherche", "info_services", "com_email"}
    response = client.post(
        reverse("villages:assessment_create", args=[person.public_id]),
        _assessment_post(site, yes_keys=yes),
        follow=True,
    )
    assessment = Assessment.objects.get()
    assert assessment.scores == {
        "information": 2,
        "communication": 1,
        "contenus": 0,
        "securite": 0,
        "resolution_problemes": 0,
    }
    assert assessment.classification == SkillLevel.CAPACITES_FAIBLES
    assert assessment.answers["info_recherche"] is True
    assert assessment.answers["res_panne"] is False
    assert assessment.questionnaire_version == "vc-2026-1"
    assert (assessment.owns_smartphone, assessment.tiers_aidant) == (True, None)
    page = _page(response)
    assert "Capacités numériques faibles" in page
    assert "un ou plusieurs domaines" in page


@pytest.mark.django_db
def test_an_incomplete_assessment_is_refused_and_keeps_answers(client_for, site):
    client = client_for(Role.MEDIATEUR_NUMERIQUE)
    person = PersonFactory(site=site)
    data = _assessment_post(site, yes_keys={"com_email"})
    del data["q_sec_arnaque"]
    response = client.post(reverse("villages:assessment_create", args=[person.public_id]), data)
    page = _page(response)
    assert "Il manque des réponses" in page
    assert Assessment.objects.count() == 0
    assert 'value="1" class="btn-check" id="id_q_com_email_0" required checked>' in page
    assert 'id="id_q_sec_arnaque_0" required aria-invalid="true">' in page


@pytest.mark.django_db
def test_person_file_shows_progress_between_assessments(client_for, site):
    client = client_for(Role.MEDIATEUR_NUMERIQUE)
    person = PersonFactory(site=site)
    AssessmentFactory(person=person, site=site, beginner=True, date=datetime.date(2026, 1, 5))
    AssessmentFactory(person=person, site=site, date=datetime.date(2026, 4, 5))
    response = client.get(reverse("villages:person_file", args=[person.public_id]))
    page = _page(response)
    assert "Progrès" in page
    assert "Illectronisme (05/01/2026) → Compétences de base (05/04/2026)" in page
    entry = JournalEntry.objects.get(action=JournalAction.VIEW, object_ref=str(person.public_id))
    assert entry.payload == {"view": "villages"}


@pytest.mark.django_db
def test_person_file_lists_everything_with_constant_queries(
    client_for, site, django_assert_max_num_queries
):
    client = client_for(Role.MEDIATEUR_NUMERIQUE)
    person = PersonFactory(site=site)
    for _ in range(5):
        RegistrationFactory(person=person, session__site=site)
        IndividualHelpFactory(person=person, site=site)
        VisitFactory(person=person, site=site)
        AssessmentFactory(person=person, site=site)
    with django_assert_max_num_queries(16):
        page = _page(client.get(reverse("villages:person_file", args=[person.public_id])))
    assert "Ateliers (5)" in page
    assert "Accompagnements individuels (5)" in page
    assert "Visites en accès libre (5)" in page
    assert "Diagnostics numériques (5)" in page


# The person file and home of each role -----------------------------------------------------


@pytest.mark.django_db
def test_person_file_shows_the_villages_panel_to_the_mediator(client_for, site):
    client = client_for(Role.MEDIATEUR_NUMERIQUE)
    person = PersonFactory(site=site)
    IndividualHelpFactory(person=person, site=site)
    AssessmentFactory(person=person, site=site, beginner=True)
    page = _page(client.get(person.get_absolute_url()))
    assert "Vill@ges connectés" in page
    assert "1 accompagnement individuel" in page
    assert "Illectronisme" in page


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.VOLONTAIRE, Role.TRAVAILLEUR_SOCIAL])
def test_other_roles_see_no_villages_history_on_the_person_file(client_for, site, role):
    client = client_for(role)
    person = PersonFactory(site=site)
    IndividualHelpFactory(person=person, site=site)
    page = _page(client.get(person.get_absolute_url()))
    assert "Tout le parcours Vill@ges" not in page
    assert client.get(reverse("villages:person_file", args=[person.public_id])).status_code == 404


@pytest.mark.django_db
def test_mediator_sees_no_unisvers_panel_page_or_field(client_for, site):
    """Need-to-know (security.md row 3): nothing of Unis'Vers reaches the mediator."""
    client = client_for(Role.MEDIATEUR_NUMERIQUE)
    person = PersonFactory(site=site)
    IndividualHelpFactory(person=person, site=site)
    unisvers_words = ("Unis'Vers", "Unis&#x27;Vers", "violence", "referent", "référent", "RSA")
    for url in (
        reverse("home"),
        person.get_absolute_url(),
        reverse("villages:person_file", args=[person.public_id]),
        reverse("villages:help_list"),
        reverse("villages:session_week"),
    ):
        page = _page(client.get(url))
        for word in unisvers_words:
            assert word not in page, (url, word)
    # No header entry towards Unis'Vers either.
    nav = [item.url_name for item in client.get(reverse("home")).context["ceis_nav"]]
    assert not any(name.startswith("unisvers:") for name in nav)


@pytest.mark.django_db
def test_mediator_home_lists_todays_sessions_and_quick_help(client_for, site):
    client = client_for(Role.MEDIATEUR_NUMERIQUE)
    SessionFactory(site=site, today=True, capacity=8, workshop__title="Smartphone facile")
    page = _page(client.get(reverse("home")))
    assert "Smartphone facile" in page
    assert "8 places libres" in page
    assert "Consigner un accompagnement" in page


@pytest.mark.django_db
def test_volunteer_home_has_the_counter_and_todays_check_in(client_for, site):
    client = client_for(Role.VOLONTAIRE)
    session = SessionFactory(site=site, today=True)
    VisitFactory.create_batch(3, site=site)
    page = _page(client.get(reverse("home")))
    assert "+1 visite" in page
    assert "3 <span" in page
    assert reverse("villages:session_checkin", args=[session.public_id]) in page
    assert "Consigner un accompagnement" not in page


# Permissions and scoping -------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "url_name", "status"),
    [
        (Role.VOLONTAIRE, "villages:session_create", 403),
        (Role.VOLONTAIRE, "villages:workshop_create", 403),
        (Role.VOLONTAIRE, "villages:help_create", 403),
        (Role.VOLONTAIRE, "villages:visit_counter", 200),
        (Role.VOLONTAIRE, "villages:session_week", 200),
        (Role.MANAGER, "villages:session_week", 200),
        (Role.MANAGER, "villages:session_past", 200),
        (Role.MANAGER, "villages:workshop_list", 200),
        (Role.MANAGER, "villages:help_list", 403),
        (Role.MANAGER, "villages:visit_counter", 403),
        (Role.MANAGER, "villages:session_create", 403),
        (Role.TRAVAILLEUR_SOCIAL, "villages:session_week", 403),
        (Role.TRAVAILLEUR_SOCIAL, "villages:help_list", 403),
        (Role.MEDIATEUR_NUMERIQUE, "villages:session_create", 200),
        (Role.MEDIATEUR_NUMERIQUE, "villages:workshop_create", 200),
        (Role.ADMIN, "villages:help_list", 200),
    ],
)
def test_role_matrix_on_villages_pages(client_for, role, url_name, status):
    client = client_for(role)
    assert client.get(reverse(url_name)).status_code == status


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "url_name", "status"),
    [
        (Role.VOLONTAIRE, "villages:session_detail", 404),
        (Role.VOLONTAIRE, "villages:session_checkin", 200),
        (Role.VOLONTAIRE, "villages:session_update", 404),
        (Role.VOLONTAIRE, "villages:session_delete", 404),
        (Role.MANAGER, "villages:session_detail", 404),
        (Role.MANAGER, "villages:session_checkin", 404),
        (Role.MEDIATEUR_NUMERIQUE, "villages:session_detail", 200),
    ],
)
def test_role_matrix_on_a_session(client_for, site, role, url_name, status):
    client = client_for(role)
    session = SessionFactory(site=site)
    RegistrationFactory(session=session, person__last_name="Nominatif")
    response = client.get(reverse(url_name, args=[session.public_id]))
    assert response.status_code == status
    if status == 404:
        assert "NOMINATIF" not in _page(response)


@pytest.mark.django_db
def test_manager_sees_figures_but_no_names(client_for, site):
    client = client_for(Role.MANAGER)
    session = SessionFactory(site=site, past=True, workshop__title="Banque en ligne")
    RegistrationFactory(session=session, present=True, person__last_name="Confidentiel")
    page = _page(client.get(reverse("villages:session_past")))
    assert "Banque en ligne" in page
    assert "CONFIDENTIEL" not in page


@pytest.mark.django_db
def test_another_sites_objects_answer_404(client_for, other_site):
    client = client_for(Role.MEDIATEUR_NUMERIQUE)
    session = SessionFactory(site=other_site)
    registration = RegistrationFactory(session=session)
    individual_help = IndividualHelpFactory(site=other_site)
    assessment = AssessmentFactory(site=other_site)
    urls = [
        reverse("villages:session_detail", args=[session.public_id]),
        reverse("villages:session_checkin", args=[session.public_id]),
        reverse("villages:session_update", args=[session.public_id]),
        reverse("villages:registration_cancel", args=[registration.public_id]),
        reverse("villages:help_detail", args=[individual_help.public_id]),
        reverse("villages:help_update", args=[individual_help.public_id]),
        reverse("villages:assessment_detail", args=[assessment.public_id]),
        reverse("villages:person_file", args=[assessment.person.public_id]),
        reverse("villages:assessment_create", args=[assessment.person.public_id]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 404, url
        assert str(registration.person) not in _page(response)
    response = client.post(
        reverse("villages:registration_attendance", args=[registration.public_id]),
        {"attendance": "present"},
    )
    assert response.status_code == 404
    registration.refresh_from_db()
    assert registration.attendance == ""


@pytest.mark.django_db
def test_state_changes_refuse_get(client_for, site):
    client = client_for(Role.MEDIATEUR_NUMERIQUE)
    session = SessionFactory(site=site)
    registration = RegistrationFactory(session=session)
    for url in (
        reverse("villages:session_register", args=[session.public_id]),
        reverse("villages:session_walk_in", args=[session.public_id]),
        reverse("villages:registration_attendance", args=[registration.public_id]),
    ):
        assert client.get(url).status_code == 405


@pytest.mark.django_db
def test_lists_have_constant_query_counts(client_for, site, django_assert_max_num_queries):
    client = client_for(Role.MEDIATEUR_NUMERIQUE)
    for _ in range(8):
        session = SessionFactory(site=site, past=True)
        RegistrationFactory.create_batch(2, session=session, present=True)
        SessionFactory(site=site, today=True)
        WorkshopFactory()
        IndividualHelpFactory(site=site)
        VisitFactory(site=site, person=PersonFactory(site=site))
    for url_name in (
        "villages:session_week",
        "villages:session_month",
        "villages:session_past",
        "villages:workshop_list",
        "villages:help_list",
        "villages:visit_counter",
        "home",
    ):
        with django_assert_max_num_queries(14):
            response = client.get(reverse(url_name))
        assert response.status_code == 200, url_name


@pytest.mark.django_db
def test_registration_search_fragment_offers_register_buttons(client_for, site):
    client = client_for(Role.MEDIATEUR_NUMERIQUE)
    session = SessionFactory(site=site)
    person = PersonFactory(site=site, last_name="Okafor", first_name="Ada")
    already = PersonFactory(site=site, last_name="Okafor", first_name="Ben")
    RegistrationFactory(session=session, person=already)
    url = reverse("villages:session_person_search", args=[session.public_id])
    page = _page(client.get(url, {"q": "okafor", "mode": "inscription"}, HTTP_HX_REQUEST="true"))
    assert f'value="{person.public_id}"' in page
    assert "Inscrire<span" in page
    assert "Déjà inscrit·e" in page
    assert "<html" not in page


@pytest.mark.django_db
def test_volunteer_may_not_use_the_registration_search(client_for, site):
    client = client_for(Role.VOLONTAIRE)
    session = SessionFactory(site=site)
    url = reverse("villages:session_person_search", args=[session.public_id])
    assert client.get(url, {"q": "ab", "mode": "inscription"}).status_code == 404
    assert client.get(url, {"q": "ab", "mode": "sur_place"}).status_code == 200


@pytest.mark.django_db
def test_volunteer_cannot_register_or_cancel(client_for, site):
    client = client_for(Role.VOLONTAIRE)
    session = SessionFactory(site=site)
    registration = RegistrationFactory(session=session)
    person = PersonFactory(site=site)
    response = client.post(
        reverse("villages:session_register", args=[session.public_id]),
        {"person": person.public_id},
    )
    assert response.status_code == 404
    response = client.post(reverse("villages:registration_cancel", args=[registration.public_id]))
    assert response.status_code == 404
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.INSCRIT
    assert Registration.objects.count() == 1


@pytest.mark.django_db
def test_help_list_sorts_by_name(client_for, site):
    client = client_for(Role.MEDIATEUR_NUMERIQUE)
    IndividualHelpFactory(site=site, person__last_name="Zola")
    IndividualHelpFactory(site=site, person__last_name="Abadie")
    page = _page(client.get(reverse("villages:help_list") + "?ordering=nom"))
    assert page.index("ABADIE") < page.index("ZOLA")
    page = _page(client.get(reverse("villages:help_list") + "?ordering=-nom"))
    assert page.index("ZOLA") < page.index("ABADIE")


@pytest.mark.django_db
def test_editing_a_session_keeps_local_time_and_more_seats_promote(client_for, site):
    client = client_for(Role.MEDIATEUR_NUMERIQUE)
    session = SessionFactory(site=site, capacity=1)
    RegistrationFactory(session=session)
    waiting = RegistrationFactory(session=session, waiting=True)
    url = reverse("villages:session_update", args=[session.public_id])
    assert 'value="' + timezone.localtime(session.start).strftime("%Y-%m-%dT%H:%M") in _page(
        client.get(url)
    )
    response = client.post(
        url,
        {
            "workshop": session.workshop.pk,
            "site": site.pk,
            "start": "2030-03-05T09:30",
            "duration_min": 90,
            "capacity": 2,
            "facilitator": "Léa",
        },
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert timezone.localtime(session.start).strftime("%d/%m/%Y %H:%M") == "05/03/2030 09:30"
    waiting.refresh_from_db()
    assert waiting.status == RegistrationStatus.INSCRIT


@pytest.mark.django_db
def test_walk_in_of_a_possible_duplicate_offers_the_match(client_for, site):
    client = client_for(Role.VOLONTAIRE)
    session = SessionFactory(site=site, today=True)
    existing = PersonFactory(site=site, last_name="Martin", first_name="Rose", birth_date=None)
    response = client.post(
        reverse("villages:session_walk_in", args=[session.public_id]),
        {"nouvelle-last_name": "MARTIN", "nouvelle-first_name": "rose", "nouvelle-site": site.pk},
    )
    page = _page(response)
    assert "Cette personne existe peut-être déjà" in page
    assert f'name="person" value="{existing.public_id}"' in page
    assert Registration.objects.count() == 0
    client.post(
        reverse("villages:session_walk_in", args=[session.public_id]),
        {"person": existing.public_id},
    )
    assert Registration.objects.get().person == existing


@pytest.mark.django_db
def test_manager_home_shows_session_figures_without_names_or_actions(client_for, site):
    client = client_for(Role.MANAGER)
    session = SessionFactory(site=site, today=True, capacity=6, workshop__title="Tablette")
    RegistrationFactory(session=session, person__last_name="Secret")
    page = _page(client.get(reverse("home")))
    assert "Tablette" in page
    assert "5 places libres" in page
    assert "SECRET" not in page
    assert reverse("villages:session_checkin", args=[session.public_id]) not in page
    assert session.get_absolute_url() not in page


@pytest.mark.django_db
def test_mediator_home_lists_the_next_seven_days(client_for, site):
    client = client_for(Role.MEDIATEUR_NUMERIQUE)
    SessionFactory(
        site=site, start=timezone.now() + datetime.timedelta(days=6), workshop__title="Bientôt"
    )
    SessionFactory(
        site=site, start=timezone.now() + datetime.timedelta(days=12), workshop__title="Plus tard"
    )
    page = _page(client.get(reverse("home")))
    assert "Bientôt" in page
    assert "Plus tard" not in page


@pytest.mark.django_db
def test_help_list_searches_by_person(client_for, site):
    client = client_for(Role.MEDIATEUR_NUMERIQUE)
    found = IndividualHelpFactory(site=site, person__last_name="Delacroix")
    other = IndividualHelpFactory(site=site, person__last_name="Moreau")
    response = client.get(reverse("villages:help_list"), {"q": "delacr"}, HTTP_HX_REQUEST="true")
    page = _page(response)
    assert str(found.person) in page
    assert str(other.person) not in page
    assert "<html" not in page  # the htmx fragment only
