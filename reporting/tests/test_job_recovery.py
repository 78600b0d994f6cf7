"""Report jobs that outlive their worker (security.md row 25): a version past its time limit
offers "Relancer" at once, the sweeper requeues it once then fails it with a French message,
sweeping twice changes nothing more, and the job that was given up may still finish cleanly."""

import datetime
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from ceis.choices import Role
from reporting.choices import JobStatus
from reporting.models import BilanVersion
from reporting.services import (
    bilan_document_create,
    bilan_version_generate,
    bilan_versions_sweep,
)
from unisvers.tests.factories import EnrollmentFactory

YEAR_FROM, YEAR_TO = datetime.date(2019, 1, 1), datetime.date(2019, 12, 31)
LIMIT = 300


@pytest.fixture(autouse=True)
def _limit(settings):
    settings.CEIS_REPORT_JOB_TIME_LIMIT = LIMIT


@pytest.fixture
def manager_client(client_for, site):
    return client_for(Role.MANAGER)


@pytest.fixture
def document(manager_client, site):
    EnrollmentFactory.create_batch(
        2,
        cohort__site=site,
        cohort__start_date=datetime.date(2019, 3, 4),
        cohort__end_date=datetime.date(2019, 4, 12),
    )
    return bilan_document_create(
        user=manager_client.user, date_from=YEAR_FROM, date_to=YEAR_TO, site=site
    )


def _running_since(document, seconds: int, **fields) -> BilanVersion:
    """A version a worker took `seconds` ago and never finished (the worker was killed)."""
    started = timezone.now() - datetime.timedelta(seconds=seconds)
    return BilanVersion.objects.create(
        document=document,
        number=1,
        status=JobStatus.RUNNING,
        started_at=started,
        sent_at=started,
        attempts=1,
        **fields,
    )


def _row(client, version) -> str:
    return client.get(
        reverse("reporting:version_status", args=[version.public_id])
    ).content.decode()


@pytest.mark.django_db
def test_a_version_running_within_its_limit_offers_no_relancer(manager_client, document):
    version = _running_since(document, LIMIT - 10)
    row = _row(manager_client, version)
    assert "En cours" in row
    assert "Relancer" not in row
    # A forged POST does not start a second run of a job still within its limit.
    manager_client.post(reverse("reporting:version_retry", args=[version.public_id]))
    version.refresh_from_db()
    assert (version.status, version.attempts) == (JobStatus.RUNNING, 1)


@pytest.mark.django_db
def test_a_version_stuck_past_its_limit_offers_relancer_before_any_sweep(
    manager_client, document, django_capture_on_commit_callbacks
):
    version = _running_since(document, LIMIT + 5)
    row = _row(manager_client, version)
    assert "En cours" in row
    assert "Le traitement dépasse sa durée maximale (5 minutes)" in row
    assert "Relancer" in row

    with django_capture_on_commit_callbacks(execute=True):
        manager_client.post(reverse("reporting:version_retry", args=[version.public_id]))
    version.refresh_from_db()
    assert (version.status, version.attempts, version.error) == (JobStatus.READY, 2, "")
    assert version.pdf.read(4) == b"%PDF"


@pytest.mark.django_db
def test_a_version_sent_but_never_started_past_its_limit_offers_relancer(
    manager_client, document, django_capture_on_commit_callbacks
):
    """The broker took the job but no worker ever started it (workers down, message lost)."""
    sent = timezone.now() - datetime.timedelta(seconds=LIMIT + 5)
    version = BilanVersion.objects.create(document=document, number=1, sent_at=sent)
    row = _row(manager_client, version)
    assert "Le PDF attend d'être préparé depuis plus de 5 minutes" in row
    assert "Relancer" in row
    with django_capture_on_commit_callbacks(execute=True):
        assert bilan_versions_sweep()["requeued"] == 1
    version.refresh_from_db()
    assert (version.status, version.requeues) == (JobStatus.READY, 1)


@pytest.mark.django_db
def test_the_sweeper_requeues_a_stuck_version_and_it_ends_ready(
    document, django_capture_on_commit_callbacks
):
    version = _running_since(document, LIMIT + 5)
    with django_capture_on_commit_callbacks(execute=True):
        counts = bilan_versions_sweep()
    assert counts == {"sent": 0, "requeued": 1, "failed": 0}
    version.refresh_from_db()
    assert (version.status, version.requeues, version.attempts) == (JobStatus.READY, 1, 2)
    assert version.pdf.read(4) == b"%PDF"


@pytest.mark.django_db
def test_a_version_stuck_again_after_its_requeue_fails_with_a_french_message(
    manager_client, document
):
    version = _running_since(document, LIMIT + 5, requeues=1)
    assert bilan_versions_sweep() == {"sent": 0, "requeued": 0, "failed": 1}
    version.refresh_from_db()
    assert version.status == JobStatus.FAILED
    assert version.error.startswith("Le traitement a été interrompu")
    assert "5 minutes" in version.error
    row = _row(manager_client, version)
    assert "Échec" in row
    assert "Erreur : Le traitement a été interrompu" in row
    assert "Relancer" in row


@pytest.mark.django_db
def test_sweeping_twice_requeues_once_and_sends_one_message(
    document, django_capture_on_commit_callbacks
):
    version = _running_since(document, LIMIT + 5)
    # The broker takes the message; no worker runs it here.
    with mock.patch("reporting.tasks.generate_bilan_pdf.apply_async") as send:
        with django_capture_on_commit_callbacks(execute=True):
            first = bilan_versions_sweep()
        with django_capture_on_commit_callbacks(execute=True):
            second = bilan_versions_sweep()
    assert first == {"sent": 0, "requeued": 1, "failed": 0}
    assert second == {"sent": 0, "requeued": 0, "failed": 0}
    assert send.call_count == 1
    assert send.call_args.kwargs["args"] == [version.pk]
    assert send.call_args.kwargs["time_limit"] == LIMIT
    version.refresh_from_db()
    assert (version.status, version.requeues) == (JobStatus.PENDING, 1)
    assert version.sent_at is not None


@pytest.mark.django_db
def test_a_version_the_broker_never_took_is_sent_by_the_sweeper(
    document, django_capture_on_commit_callbacks
):
    version = BilanVersion.objects.create(document=document, number=1)
    assert version.awaits_broker
    # Just recorded: the request that recorded it may still be sending it.
    assert bilan_versions_sweep()["sent"] == 0
    later = timezone.now() + datetime.timedelta(minutes=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert bilan_versions_sweep(now=later)["sent"] == 1
    version.refresh_from_db()
    assert version.status == JobStatus.READY


@pytest.mark.django_db
def test_with_the_broker_still_down_the_sweeper_tries_once_and_everything_waits(document):
    first = BilanVersion.objects.create(document=document, number=1)
    second = BilanVersion.objects.create(document=document, number=2)
    later = timezone.now() + datetime.timedelta(minutes=1)
    with mock.patch(
        "reporting.tasks.generate_bilan_pdf.apply_async", side_effect=OSError("Connection refused")
    ) as send:
        assert bilan_versions_sweep(now=later) == {"sent": 0, "requeued": 0, "failed": 0}
    assert send.call_count == 1  # one wait for the broker per sweep, not one per version
    for version in (first, second):
        version.refresh_from_db()
        assert (version.status, version.sent_at) == (JobStatus.PENDING, None)


@pytest.mark.django_db
def test_the_job_given_up_by_the_sweeper_still_finishes_into_one_ready_pdf(document):
    """The worker was only slow: the sweep fails the version while the PDF is being drawn,
    then the job finishes; the version ends "Prêt", without the sweep's error."""
    from reporting.pdf import render_bilan_pdf

    version = BilanVersion.objects.create(document=document, number=1, requeues=1)
    swept = {}

    def slow_render(*args, **kwargs):
        past_limit = timezone.now() + datetime.timedelta(seconds=LIMIT + 5)
        swept.update(bilan_versions_sweep(now=past_limit))
        assert BilanVersion.objects.get(pk=version.pk).status == JobStatus.FAILED
        return render_bilan_pdf(*args, **kwargs)

    with mock.patch("reporting.pdf.render_bilan_pdf", side_effect=slow_render):
        bilan_version_generate(version_id=version.pk)
    assert swept == {"sent": 0, "requeued": 0, "failed": 1}
    version.refresh_from_db()
    assert (version.status, version.error, version.attempts) == (JobStatus.READY, "", 1)
    assert version.pdf.read(4) == b"%PDF"
    # The requeued duplicate, delivered later, leaves the PDF as it is.
    name = version.pdf.name
    again = bilan_version_generate(version_id=version.pk)
    assert (again.pdf.name, again.attempts) == (name, 1)


def test_the_sweeper_runs_every_few_minutes_on_the_default_queue(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["bilan-versions-sweep"]
    assert entry["task"] == "reporting.tasks.sweep_bilan_versions"
    assert entry["schedule"] <= 5 * 60
    assert "reporting.tasks.sweep_bilan_versions" not in settings.CELERY_TASK_ROUTES


@pytest.mark.django_db
def test_a_job_past_its_soft_limit_fails_with_a_french_message(document):
    """What the worker raises inside a job at its soft time limit."""
    from celery.exceptions import SoftTimeLimitExceeded

    version = BilanVersion.objects.create(document=document, number=1)
    with (
        mock.patch("reporting.pdf.render_bilan_pdf", side_effect=SoftTimeLimitExceeded()),
        pytest.raises(SoftTimeLimitExceeded),
    ):
        bilan_version_generate(version_id=version.pk)
    version.refresh_from_db()
    assert version.status == JobStatus.FAILED
    assert version.error == (
        "Le PDF n'a pas pu être préparé dans les 5 minutes prévues. "
        "Vous pouvez relancer cette version."
    )
    assert version.can_retry
