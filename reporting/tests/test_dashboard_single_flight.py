"""Single-flight of the dashboard's computations under real threads, each with its own database
connection, on the engine of the run (SQLite in a file with the application's options, and
PostgreSQL: `-m faults`, as tests/test_concurrency.py)."""

import datetime
import time

import pytest
from django.urls import reverse

from ceis.choices import Role
from ceis.roles import sync_all_role_groups
from ceis.tests.threads import together
from reporting import dashboard, indicators
from reporting.dashboard import dashboard_result_compute
from reporting.models import DashboardResult
from reporting.tests.test_job_faults import hanging_broker  # noqa: F401 (fixture)

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _role_groups(transactional_db):
    """A transactional test before this one flushed the role groups of the data migrations."""
    sync_all_role_groups()


def test_two_workers_asked_for_the_same_key_compute_it_once(monkeypatch, site):
    result = DashboardResult.objects.create(
        key="k", date_from=datetime.date(2019, 1, 1), date_to=datetime.date(2019, 12, 31)
    )
    computed = []
    compute = indicators.compute_bilan

    def slow_compute(**kwargs):
        computed.append(kwargs)
        time.sleep(1)  # the second task arrives while the first computes
        return compute(**kwargs)

    monkeypatch.setattr(indicators, "compute_bilan", slow_compute)
    outcomes = together([lambda: dashboard_result_compute(result_id=result.pk)] * 3)
    assert sorted(outcomes) == [False, False, True]
    assert len(computed) == 1
    result.refresh_from_db()
    assert result.computing_since is None
    assert result.figures["bilan"]["period"] == {"from": "2019-01-01", "to": "2019-12-31"}


def test_managers_opening_the_same_dashboard_at_once_send_one_computation(
    monkeypatch, client_for, site
):
    sent = []
    monkeypatch.setattr(
        dashboard, "send_quickly", lambda task, *, args=(), **options: sent.append(args) or True
    )
    clients = [client_for(Role.MANAGER, sites=[site]) for _ in range(4)]
    url = reverse("reporting:dashboard")
    query = {"preset": "last_year", "site": site.pk}
    pages = together([lambda c=c: c.get(url, query).content.decode() for c in clients])
    assert all("Calcul en cours…" in page for page in pages)
    result = DashboardResult.objects.get()  # one row for the key, whatever the race
    assert sent == [[result.pk, result.requested_at.isoformat()]]


def test_with_the_broker_hanging_the_dashboard_answers_and_says_so(
    hanging_broker,  # noqa: F811 (the fixture imported above)
    client_for,
    site,
    monkeypatch,
):
    """The page's send has the short timeouts of `send_quickly`: a broker that accepts and never
    answers costs it a fraction of a second, and the page says the service does not answer."""
    from ceis.celery import app

    url, accepted = hanging_broker
    monkeypatch.setenv("CELERY_BROKER_WRITE_URL", url)
    client = client_for(Role.MANAGER, sites=[site])
    app.conf.task_always_eager = False
    try:
        page = client.get(reverse("reporting:dashboard"), {"preset": "last_year", "site": site.pk})
    finally:
        app.conf.task_always_eager = True
    assert page.status_code == 200
    assert "Le service de calcul ne répond pas pour l'instant." in page.content.decode()
    assert accepted, "the request did reach the hanging broker"
    # Nothing is taken for sent: the next poll sends again.
    assert DashboardResult.objects.get().requested_at is None
