"""Creating a bilan never computes its figures in the request (issue #17): the texts' first draft
comes from the dashboard's result for the period when it is up to date; otherwise the bilan
waits for the worker's result, its page says so and polls, and the texts are written once the
figures are there. Nothing typed can be lost meanwhile: no form is shown, and a form posted
from an older tab saves nothing."""

import datetime
import html
import threading

import pytest
from django.db import connection, connections, transaction
from django.urls import reverse

from ceis.choices import Role
from reporting.dashboard import (
    ResultNotVisibleYet,
    _result_for,
    dashboard_result_compute,
    dashboard_result_get,
)
from reporting.indicators import compute_bilan
from reporting.models import BilanDocument, BilanVersion, DashboardResult
from reporting.tasks import compute_dashboard_result
from reporting.tests.test_dashboard import _enroll
from reporting.tests.test_dashboard_results import _run
from reporting.texts import prefill_texts

pytestmark = pytest.mark.django_db

CREATE = reverse("reporting:document_create")
FROM, TO = datetime.date(2019, 1, 1), datetime.date(2019, 12, 31)
YEAR = {"preset": "custom", "date_from": FROM.isoformat(), "date_to": TO.isoformat()}
HTMX = {"HTTP_HX_REQUEST": "true"}
WAITING = "Calcul des chiffres de la période en cours…"


@pytest.fixture
def manager(client_for, site):
    return client_for(Role.MANAGER, sites=[site])


def _create(manager, site):
    response = manager.post(CREATE, {**YEAR, "site": site.pk}, follow=True)
    assert response.status_code == 200
    return BilanDocument.objects.get(), html.unescape(response.content.decode())


def _expected_texts(site):
    return prefill_texts(compute_bilan(date_from=FROM, date_to=TO, site=site))


def test_without_figures_the_bilan_waits_for_the_worker_then_its_texts_are_written(
    manager, site, sent
):
    _enroll(site, 3)
    document, page = _create(manager, site)

    # The request sent the computation and computed nothing.
    assert [name for name, _ in sent] == ["reporting.tasks.compute_dashboard_result"]
    assert DashboardResult.objects.get().computed_at is None
    assert document.texts_pending_since is not None
    assert (document.unisvers_text, document.villages_text) == ("", "")
    assert "ses textes seront préremplis à partir des chiffres dès que leur calcul" in page
    assert WAITING in page
    assert "Enregistrer les textes" not in page  # no form to type into meanwhile
    assert f'hx-get="{document.get_absolute_url()}"' in page

    poll = manager.get(document.get_absolute_url(), **HTMX)
    assert WAITING in poll.content.decode()
    assert "HX-Refresh" not in poll.headers

    _run(sent)  # the worker computes the period's figures
    poll = manager.get(document.get_absolute_url(), **HTMX)
    assert poll.headers["HX-Refresh"] == "true"  # the page reloads with its editor

    document.refresh_from_db()
    texts = _expected_texts(site)
    assert document.texts_pending_since is None
    assert document.unisvers_text == texts["unisvers"]
    assert "[[unisvers.participants]] demandeurs d'emploi" in document.unisvers_text
    assert document.villages_text == texts["villages"]
    assert document.introduction == texts["introduction"]
    page = manager.get(document.get_absolute_url()).content.decode()
    assert "Enregistrer les textes" in page
    assert WAITING not in page


def test_an_up_to_date_result_writes_the_texts_at_once_without_a_computation(
    manager, site, sent, settings
):
    settings.CEIS_DASHBOARD_MAX_AGE = 3600  # the tests' 0 would send a refresh on every visit
    _enroll(site, 2)
    dashboard_result_get(date_from=FROM, date_to=TO, site=site)
    _run(sent)  # the dashboard's result for the year, computed by the worker

    computed_at = DashboardResult.objects.get().computed_at
    response = manager.post(CREATE, {**YEAR, "site": site.pk})
    assert response.status_code == 302
    assert sent == []  # nothing sent, nothing computed by the request
    assert DashboardResult.objects.get().computed_at == computed_at
    document = BilanDocument.objects.get()
    page = html.unescape(manager.get(response["Location"]).content.decode())
    assert document.texts_pending_since is None
    assert document.unisvers_text == _expected_texts(site)["unisvers"]
    assert "les textes sont préremplis à partir des chiffres, relisez-les" in page
    assert "Enregistrer les textes" in page


def test_nothing_posted_while_the_texts_wait_is_saved_or_generated(manager, site, sent):
    document, _ = _create(manager, site)
    response = manager.post(
        document.get_absolute_url(),
        {"title": "Mon titre", "unisvers_text": "Tapé trop tôt", "action": "enregistrer"},
        follow=True,
    )
    assert "rien n'a été enregistré" in html.unescape(response.content.decode())
    document.refresh_from_db()
    assert document.texts_pending_since is not None
    assert document.unisvers_text == ""

    response = manager.post(reverse("reporting:generate", args=[document.public_id]), follow=True)
    assert "le PDF n'a pas été demandé" in html.unescape(response.content.decode())
    assert not BilanVersion.objects.exists()


def test_a_computation_sent_before_its_result_is_committed_is_tried_again():
    """The form's submission runs in a transaction (ceis.submissions): a worker quick enough to
    take the computation before the commit does not find the result's row yet."""
    with pytest.raises(ResultNotVisibleYet):
        dashboard_result_compute(result_id=DashboardResult.objects.count() + 1000)
    assert ResultNotVisibleYet in compute_dashboard_result.autoretry_for


@pytest.mark.django_db(transaction=True)
def test_the_worker_computes_the_result_once_the_creating_transaction_has_committed(site):
    if connection.vendor != "postgresql":
        pytest.skip("two connections at once: PostgreSQL's suite runs this")
    _enroll(site, 2)
    inside, release = threading.Event(), threading.Event()
    created = {}

    def create_in_a_transaction():
        with transaction.atomic():
            created["id"] = _result_for(FROM, TO, site).pk
            inside.set()
            release.wait(10)
        connections.close_all()

    thread = threading.Thread(target=create_in_a_transaction)
    thread.start()
    assert inside.wait(10)
    with pytest.raises(ResultNotVisibleYet):  # the worker, before the commit
        dashboard_result_compute(result_id=created["id"])
    release.set()
    thread.join(10)
    assert dashboard_result_compute(result_id=created["id"]) is True  # the retry, after it
    assert DashboardResult.objects.get().figures["bilan"]["unisvers"]["participants"] == 2
