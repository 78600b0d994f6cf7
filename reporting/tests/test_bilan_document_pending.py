"""Creating a bilan never computes its figures in the request (issue #17): the texts' first draft
comes from the dashboard's result for the period when it is up to date; otherwise the bilan
waits for the worker's result, its page says so and polls, and the texts are written once the
figures are there. Nothing typed can be lost meanwhile: no form is shown, and a form posted
from an older tab saves nothing."""

import datetime
import html

import pytest
from django.urls import reverse

from ceis.choices import Role
from reporting.dashboard import dashboard_result_get
from reporting.indicators import compute_bilan
from reporting.models import BilanDocument, BilanVersion, DashboardResult
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
