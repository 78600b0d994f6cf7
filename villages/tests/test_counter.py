"""The free-access counter: options above the button, one visit per tap, undo (issue #21)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from ceis.choices import JournalAction, Role
from ceis.models import JournalEntry
from ceis.submissions import new_token
from villages.models import Visit
from villages.perms import VISIT_UNDO_WINDOW
from villages.services import DOUBLE_TAP_WINDOW
from villages.tests.factories import VisitFactory

pytestmark = pytest.mark.django_db


def tap(client, site, **data):
    return client.post(
        reverse("villages:visit_counter"),
        {"site": site.pk, "submission_token": new_token(), **data},
        follow=True,
    )


def test_the_options_come_before_the_button_they_apply_to(client_for):
    html = client_for(Role.VOLONTAIRE).get(reverse("villages:visit_counter")).content.decode()
    button = html.index("+1 visite</button>")
    assert html.index("Aidé·e par un volontaire") < button
    assert html.index("Nommer la personne (facultatif)") < button


def test_a_bounced_tap_counts_one_visit(client_for, site):
    client = client_for(Role.VOLONTAIRE)
    tap(client, site)
    response = tap(client, site)  # another token: the page had come back under the finger
    assert Visit.objects.count() == 1
    assert (
        "Cette visite venait d&#x27;être comptée : elle ne l&#x27;est qu&#x27;une fois. 1 visite aujourd&#x27;hui."
        in response.content.decode()
    )


def test_two_arrivals_a_few_seconds_apart_count_two(client_for, site):
    client = client_for(Role.VOLONTAIRE)
    tap(client, site)
    Visit.objects.update(
        created_at=timezone.now() - DOUBLE_TAP_WINDOW - datetime.timedelta(seconds=1)
    )
    response = tap(client, site)
    assert Visit.objects.count() == 2
    assert "Visite enregistrée. 2 visites aujourd&#x27;hui." in response.content.decode()


def test_a_different_visit_right_after_is_counted(client_for, site):
    """The guard is for the same visit: one helped by a volunteer right after one that was not
    is another person."""
    client = client_for(Role.VOLONTAIRE)
    tap(client, site)
    tap(client, site, volunteer_help="on")
    assert Visit.objects.count() == 2


def test_the_same_form_sent_twice_counts_one_visit(client_for, site):
    client = client_for(Role.VOLONTAIRE)
    data = {"site": site.pk, "submission_token": new_token()}
    client.post(reverse("villages:visit_counter"), data)
    Visit.objects.update(created_at=timezone.now() - datetime.timedelta(minutes=1))
    client.post(reverse("villages:visit_counter"), data)
    assert Visit.objects.count() == 1


def test_the_volunteer_undoes_the_visit_just_counted(client_for, site):
    client = client_for(Role.VOLONTAIRE)
    tap(client, site)
    tap(client, site, volunteer_help="on")
    visit = Visit.objects.get(volunteer_help=True)
    page = client.get(reverse("villages:visit_counter")).content.decode()
    undo = reverse("villages:visit_undo", args=[visit.public_id])
    assert f'action="{undo}"' in page
    response = client.post(undo, follow=True)
    assert list(Visit.objects.values_list("volunteer_help", flat=True)) == [False]
    assert "La visite est annulée. 1 visite aujourd&#x27;hui." in response.content.decode()
    entry = JournalEntry.objects.filter(action=JournalAction.DELETE).get()
    assert (entry.object_ref, entry.user) == (str(visit.public_id), client.user)


def test_undo_is_refused_after_the_window(client_for, site):
    client = client_for(Role.VOLONTAIRE)
    tap(client, site)
    visit = Visit.objects.get()
    Visit.objects.update(
        created_at=timezone.now() - VISIT_UNDO_WINDOW - datetime.timedelta(minutes=1)
    )
    undo = reverse("villages:visit_undo", args=[visit.public_id])
    assert f'action="{undo}"' not in client.get(reverse("villages:visit_counter")).content.decode()
    assert client.post(undo).status_code == 404
    assert Visit.objects.count() == 1


def test_a_volunteer_cannot_undo_a_colleagues_visit(client_for, make_user, site):
    colleague = make_user(Role.VOLONTAIRE)
    visit = VisitFactory(site=site, recorded_by=colleague)
    client = client_for(Role.VOLONTAIRE)
    undo = reverse("villages:visit_undo", args=[visit.public_id])
    assert f'action="{undo}"' not in client.get(reverse("villages:visit_counter")).content.decode()
    assert client.post(undo).status_code == 404
    assert Visit.objects.count() == 1


def test_undo_is_a_post(client_for, site):
    client = client_for(Role.VOLONTAIRE)
    tap(client, site)
    visit = Visit.objects.get()
    assert client.get(reverse("villages:visit_undo", args=[visit.public_id])).status_code == 405
    assert Visit.objects.count() == 1


def test_counter_queries_do_not_grow_with_the_visits_shown(
    client_for, site, django_assert_max_num_queries
):
    client = client_for(Role.VOLONTAIRE)
    for _ in range(10):
        VisitFactory(site=site, recorded_by=client.user)
    with django_assert_max_num_queries(12):
        client.get(reverse("villages:visit_counter"))


# The session check-in -------------------------------------------------------------------------


def test_checkin_row_is_one_button_with_the_name(client_for, site):
    from villages.tests.factories import RegistrationFactory, SessionFactory

    client = client_for(Role.VOLONTAIRE)
    session = SessionFactory(site=site, today=True)
    registration = RegistrationFactory(
        session=session, person__last_name="Leroy", person__first_name="Ana"
    )
    html = client.get(reverse("villages:session_checkin", args=[session.public_id])).content
    html = html.decode()
    row = html[html.index(f'id="inscription-{registration.public_id}"') :]
    button = row[row.index("<button") : row.index("</button>")]
    assert "LEROY Ana" in button and "Pas encore pointé·e" in button


def test_checkin_counts_the_people_present(client_for, site):
    from villages.tests.factories import RegistrationFactory, SessionFactory

    client = client_for(Role.VOLONTAIRE)
    session = SessionFactory(site=site, today=True)
    first, second, _third = RegistrationFactory.create_batch(3, session=session)
    RegistrationFactory(session=session, cancelled=True)
    url = reverse("villages:session_checkin", args=[session.public_id])
    assert "0</span> personne présente sur 3" in client.get(url).content.decode()
    attendance = reverse("villages:registration_attendance", args=[first.public_id])
    fragment = client.post(attendance, {"attendance": "present"}, HTTP_HX_REQUEST="true")
    fragment = fragment.content.decode()
    assert 'id="pointage-compteur"' in fragment and 'hx-swap-oob="true"' in fragment
    assert "1</span> personne présente sur 3" in fragment
    attendance = reverse("villages:registration_attendance", args=[second.public_id])
    client.post(attendance, {"attendance": "present"})  # without JavaScript: the page again
    assert "2</span> personnes présentes sur 3" in client.get(url).content.decode()
