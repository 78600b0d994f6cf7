"""Need-to-know (security.md rows 2–4): roles without access get 403 on lists and forms and 404
on the pages of one object, other sites 404, and the
sensitive fields and notes reach only the participant's referents and admins."""

import pytest
from django.urls import reverse

from ceis.choices import JournalAction, Role
from ceis.models import JournalEntry
from ceis.tests.factories import PersonFactory

from . import factories
from .conftest import SECRET_NOTE
from .factories import (
    CohortFactory,
    EnrollmentFactory,
    EventFactory,
    FollowUpFactory,
)

# Pages without an object: a role without access gets 403 there, 404 on an object's page.
PAGES_WITHOUT_OBJECT = {
    "cohort_list",
    "cohort_create",
    "testimonial_list",
    "event_list",
    "event_create",
    "target_list",
}

SENSITIVE_MARKERS = ("violences conjugales", "problème de santé", SECRET_NOTE.lower())


def _assert_no_sensitive(html: str, where: str):
    lowered = html.lower()
    for marker in SENSITIVE_MARKERS:
        assert marker not in lowered, f"{marker!r} leaked in {where}"


@pytest.fixture
def world(cohort, sensitive_enrollment):
    person = sensitive_enrollment.person
    followup = person.unisvers_followups.get()
    event = EventFactory(site=cohort.site)
    event.attendees.add(person)
    testimonial = factories.TestimonialFactory(person=person)
    return {
        "cohort": cohort,
        "enrollment": sensitive_enrollment,
        "person": person,
        "followup": followup,
        "event": event,
        "testimonial": testimonial,
    }


def _get_urls(w):
    c, e, p = w["cohort"].public_id, w["enrollment"].public_id, w["person"].public_id
    return {
        "cohort_list": reverse("unisvers:cohort_list"),
        "cohort_detail": reverse("unisvers:cohort_detail", args=[c]),
        "cohort_update": reverse("unisvers:cohort_update", args=[c]),
        "cohort_create": reverse("unisvers:cohort_create"),
        "register": reverse("unisvers:register", args=[c, "2026-03-03"]),
        "enroll_search": reverse("unisvers:enroll_search", args=[c])
        + "?q="
        + w["person"].last_name,
        "enroll_intake": reverse("unisvers:enroll_intake", args=[c, p]),
        "enroll_new_person": reverse("unisvers:enroll_new_person", args=[c]),
        "activity_create": reverse("unisvers:activity_create", args=[c]),
        "participant": reverse("unisvers:participant", args=[p]),
        "enrollment_update": reverse("unisvers:enrollment_update", args=[e]),
        "enrollment_exit": reverse("unisvers:enrollment_exit", args=[e]),
        "enrollment_delete": reverse("unisvers:enrollment_delete", args=[e]),
        "followup_update": reverse("unisvers:followup_update", args=[w["followup"].public_id]),
        "testimonial_list": reverse("unisvers:testimonial_list"),
        "testimonial_update": reverse(
            "unisvers:testimonial_update", args=[w["testimonial"].public_id]
        ),
        "event_list": reverse("unisvers:event_list"),
        "event_create": reverse("unisvers:event_create"),
        "event_detail": reverse("unisvers:event_detail", args=[w["event"].public_id]),
        "target_list": reverse("unisvers:target_list"),
    }


@pytest.mark.parametrize("role", [Role.MEDIATEUR_NUMERIQUE, Role.VOLONTAIRE])
def test_mediator_and_volunteer_are_refused_every_unisvers_page(client_for, world, role):
    client = client_for(role)
    for name, url in _get_urls(world).items():
        response = client.get(url)
        assert response.status_code == (403 if name in PAGES_WITHOUT_OBJECT else 404), name
        _assert_no_sensitive(response.content.decode(), name)
    refused = JournalEntry.objects.filter(action=JournalAction.ACCESS_REFUSED).count()
    assert refused == len(_get_urls(world))


@pytest.mark.parametrize("role", [Role.MEDIATEUR_NUMERIQUE, Role.VOLONTAIRE])
def test_mediator_and_volunteer_see_no_unisvers_data_on_the_person_file_and_home(
    client_for, world, role
):
    client = client_for(role)
    response = client.get(world["person"].get_absolute_url())
    html = response.content.decode()
    if role == Role.VOLONTAIRE:
        # Volunteers have no person file at all (security.md row 18).
        assert response.status_code == 404
    else:
        assert str(world["person"]) in html
    assert "Unis'Vers" not in html and "Promotion printemps" not in html
    _assert_no_sensitive(html, "person file")
    home = client.get(reverse("home")).content.decode()
    assert "Unis'Vers" not in home


def test_manager_sees_lists_and_aggregates_but_no_sensitive_field_nor_note(client_for, world):
    client = client_for(Role.MANAGER)
    urls = _get_urls(world)
    allowed = {
        "cohort_list",
        "cohort_detail",
        "testimonial_list",
        "event_list",
        "event_detail",
        "target_list",
    }
    for name, url in urls.items():
        response = client.get(url)
        _assert_no_sensitive(response.content.decode(), name)
        if name in allowed:
            assert response.status_code == 200, name
        else:
            assert response.status_code == (403 if name in PAGES_WITHOUT_OBJECT else 404), name
    detail = client.get(urls["cohort_detail"]).content.decode()
    # The roster is numbered, without names nor links: managers see aggregates only.
    assert "Participant·e 1" in detail
    assert world["person"].last_name.upper() not in detail.upper()
    assert urls["participant"] not in detail
    assert client.get(world["person"].get_absolute_url()).status_code == 404


def test_a_social_worker_who_is_not_the_referent_sees_no_sensitive_field_nor_note(
    client_for, world
):
    client = client_for(Role.TRAVAILLEUR_SOCIAL)
    urls = _get_urls(world)
    for name in (
        "cohort_list",
        "cohort_detail",
        "register",
        "enroll_search",
        "enroll_intake",
        "participant",
        "enrollment_update",
        "enrollment_exit",
        "testimonial_list",
        "event_detail",
    ):
        response = client.get(urls[name])
        assert response.status_code == 200, name
        _assert_no_sensitive(response.content.decode(), name)
    html = client.get(world["person"].get_absolute_url()).content.decode()
    assert "Parcours Unis'Vers complet" in html
    _assert_no_sensitive(html, "person file")
    participant = client.get(urls["participant"]).content.decode()
    # Another referent's entries do not reach the page at all: no note, no orientation, no kind.
    assert "Suivi individuel (0)" in participant and "Entretien" not in participant
    assert "CMP Chaptal" not in participant
    assert client.get(urls["followup_update"]).status_code == 404


def test_a_non_referent_cannot_overwrite_sensitive_fields_by_posting_them(client_for, world):
    client = client_for(Role.TRAVAILLEUR_SOCIAL)
    enrollment = world["enrollment"]
    client.post(
        reverse("unisvers:enrollment_update", args=[enrollment.public_id]),
        {"entry_date": "2026-03-02", "domestic_violence": "False", "health_problem": "False"},
    )
    enrollment.refresh_from_db()
    assert enrollment.domestic_violence is True and enrollment.health_problem is True


def test_the_referent_sees_sensitive_fields_and_notes(client, referent, world):
    client.force_login(referent)
    html = client.get(reverse("unisvers:participant", args=[world["person"].public_id]))
    html = html.content.decode()
    assert SECRET_NOTE in html
    assert "Violences conjugales" in html and "Problème de santé" in html
    form = client.get(reverse("unisvers:enrollment_update", args=[world["enrollment"].public_id]))
    assert "Victime de violences conjugales" in form.content.decode()


def test_an_admin_sees_sensitive_fields_and_notes(client_for, world):
    client = client_for(Role.ADMIN)
    html = client.get(reverse("unisvers:participant", args=[world["person"].public_id]))
    assert SECRET_NOTE in html.content.decode()


def test_viewing_a_participant_file_is_journalled_without_content(client, referent, world):
    client.force_login(referent)
    client.get(reverse("unisvers:participant", args=[world["person"].public_id]))
    entry = JournalEntry.objects.get(action=JournalAction.VIEW)
    assert entry.object_ref == str(world["person"].public_id)
    assert entry.username == "referente"
    assert entry.payload == {"page": "unisvers.participant"}


def test_another_sites_objects_answer_404(client_for, other_site):
    client = client_for(Role.TRAVAILLEUR_SOCIAL)
    cohort = CohortFactory(site=other_site)
    enrollment = EnrollmentFactory(cohort=cohort)
    followup = FollowUpFactory(person=enrollment.person)
    event = EventFactory(site=other_site)
    testimonial = factories.TestimonialFactory(person=enrollment.person)
    for url in (
        reverse("unisvers:cohort_detail", args=[cohort.public_id]),
        reverse("unisvers:cohort_update", args=[cohort.public_id]),
        reverse("unisvers:register", args=[cohort.public_id, "2026-03-03"]),
        reverse("unisvers:enroll_search", args=[cohort.public_id]),
        reverse("unisvers:participant", args=[enrollment.person.public_id]),
        reverse("unisvers:enrollment_update", args=[enrollment.public_id]),
        reverse("unisvers:enrollment_exit", args=[enrollment.public_id]),
        reverse("unisvers:enrollment_delete", args=[enrollment.public_id]),
        reverse("unisvers:followup_update", args=[followup.public_id]),
        reverse("unisvers:event_detail", args=[event.public_id]),
        reverse("unisvers:testimonial_update", args=[testimonial.public_id]),
    ):
        assert client.get(url).status_code == 404, url
    listing = client.get(reverse("unisvers:cohort_list")).content.decode()
    assert cohort.name not in listing and "0 promotion" in listing


def test_enrolling_a_person_of_another_site_is_404(client_for, cohort, other_site):
    client = client_for(Role.TRAVAILLEUR_SOCIAL)
    stranger = PersonFactory(site=other_site)
    url = reverse("unisvers:enroll_intake", args=[cohort.public_id, stranger.public_id])
    assert client.get(url).status_code == 404


def test_state_changes_refuse_get(client, referent, world):
    client.force_login(referent)
    url = reverse("unisvers:followup_create", args=[world["person"].public_id])
    assert client.get(url).status_code == 405
    url = reverse("unisvers:meeting_day_add", args=[world["cohort"].public_id])
    assert client.get(url).status_code == 405


@pytest.mark.parametrize("role", [Role.MEDIATEUR_NUMERIQUE, Role.VOLONTAIRE, Role.MANAGER])
def test_roles_without_write_access_cannot_post_registers_exits_or_followups(
    client_for, world, role
):
    client = client_for(role)
    enrollment = world["enrollment"]
    posts = {
        reverse("unisvers:register", args=[world["cohort"].public_id, "2026-03-03"]): {
            f"status-{enrollment.public_id}": "absent_non_excuse"
        },
        reverse("unisvers:enrollment_exit", args=[enrollment.public_id]): {
            "exit_date": "2026-04-10",
            "exit_outcome": "formation",
        },
        reverse("unisvers:followup_create", args=[world["person"].public_id]): {
            "date": "2026-03-10",
            "kind": "autre",
            "note": "intrus",
        },
    }
    for url, data in posts.items():
        assert client.post(url, data).status_code == 404, url
    enrollment.refresh_from_db()
    assert enrollment.exit_date is None
    assert not world["cohort"].attendances.exists()
    assert world["person"].unisvers_followups.count() == 1


def test_htmx_fragments_carry_no_sensitive_value(client_for, world):
    client = client_for(Role.TRAVAILLEUR_SOCIAL)
    headers = {"HX-Request": "true"}
    search = reverse("unisvers:enroll_search", args=[world["cohort"].public_id])
    fragment = client.get(search, {"q": world["person"].last_name}, headers=headers)
    html = fragment.content.decode()
    assert str(world["person"]) in html and "<html" not in html
    _assert_no_sensitive(html, "enroll search fragment")
    listing = client.get(reverse("unisvers:cohort_list"), headers=headers).content.decode()
    _assert_no_sensitive(listing, "cohort list fragment")
