"""Writes of reporting: bilan documents and the generation of their PDF versions.

Reliability (security.md rows 15 and 25): the version row is written first and the task is
queued on commit; the broker gets a fraction of a second to take it, so that a broker down or
hanging never holds the page: the version then waits ("en attente") and the sweeper sends it
later. A job past its time limit has lost its worker: the sweeper requeues it once, then marks
it failed so that "Relancer" is offered. Running a version twice produces one PDF.
"""

import datetime
import logging
import time

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from ceis.celery import send_quickly
from ceis.choices import JournalAction
from ceis.services import journal_record
from unisvers.models import Testimonial

from .choices import JobStatus
from .dashboard import dashboard_result_get
from .indicators import compute_bilan
from .indicators.compare import compute_with_previous
from .models import BilanDocument, BilanVersion
from .texts import prefill_texts

logger = logging.getLogger(__name__)


def bilan_document_create(
    *,
    user,
    date_from: datetime.date,
    date_to: datetime.date,
    site=None,
    request=None,
    bilan: dict | None = None,
) -> BilanDocument:
    """A new bilan whose texts are prefilled with sentences chosen from its period's figures.

    The figures are never computed here, in a web request (issue #17; a year of every site took
    about 6 s at the metropolitan scale): the dashboard's result for the same period and site
    serves when it is up to date. Otherwise the worker is asked for it, the bilan is created with
    `texts_pending_since` set, and its page writes the texts once the result is there
    (`bilan_document_prefill`). A command that computed the figures itself (the demo) passes
    them as `bilan`."""
    document = BilanDocument(
        site=site,
        date_from=date_from,
        date_to=date_to,
        publication_date=timezone.localdate(),
        created_by=user,
    )
    document.full_clean(exclude=["title"])
    if bilan is None:
        # Before this function's transaction. A caller's own (the form's submission) may still
        # hold a new result row uncommitted when the worker takes the computation: the task then
        # tries again a moment later (dashboard.ResultNotVisibleYet).
        state = dashboard_result_get(date_from=date_from, date_to=date_to, site=site)
        bilan = state.figures["bilan"] if state.up_to_date else None
    with transaction.atomic():
        if bilan is None:
            document.texts_pending_since = timezone.now()
        else:
            for name, value in _text_fields(prefill_texts(bilan)).items():
                setattr(document, name, value)
        document.save()
        journal_record(action=JournalAction.CREATE, user=user, obj=document, request=request)
    return document


def _text_fields(texts: dict) -> dict:
    """The document's fields for the texts of `prefill_texts`."""
    return {
        "title": texts["title"],
        "introduction": texts["introduction"],
        "unisvers_text": texts["unisvers"],
        "villages_text": texts["villages"],
    }


def bilan_document_prefill(*, document: BilanDocument, bilan: dict) -> bool:
    """Write the first draft of the texts of a bilan created before its figures were there;
    False when it has none waiting (another page wrote it meanwhile). Nobody could edit them
    meanwhile: the page shows no form while they wait."""
    return bool(
        BilanDocument.objects.filter(pk=document.pk, texts_pending_since__isnull=False).update(
            **_text_fields(prefill_texts(bilan)),
            texts_pending_since=None,
            updated_at=timezone.now(),
        )
    )


@transaction.atomic
def bilan_document_update(
    *, document: BilanDocument, user, request=None, testimonials=None, **fields
):
    changed = sorted(name for name, value in fields.items() if getattr(document, name) != value)
    for name, value in fields.items():
        setattr(document, name, value)
    document.full_clean()
    document.save()
    if testimonials is not None:
        # Only testimonials with written consent may be published (domain.md).
        document.testimonials.set([t for t in testimonials if t.publication_consent])
        changed.append("testimonials")
    journal_record(
        action=JournalAction.UPDATE,
        user=user,
        obj=document,
        request=request,
        payload={"fields": changed},
    )
    return document


def bilan_version_request(*, document: BilanDocument, user, request=None) -> BilanVersion:
    """Record a new version ("en attente") and queue its generation once the row is committed."""
    with transaction.atomic():
        # Lock the document so that two clicks cannot take the same version number.
        BilanDocument.objects.select_for_update().get(pk=document.pk)
        last = document.versions.aggregate(last=Max("number"))["last"] or 0
        version = BilanVersion.objects.create(
            document=document,
            number=last + 1,
            requested_by=user,
            texts=document.texts_snapshot(),
        )
        journal_record(
            action=JournalAction.CREATE,
            user=user,
            obj=version,
            request=request,
            payload={"document": str(document.public_id)},
        )
        transaction.on_commit(lambda: bilan_version_enqueue(version=version))
    return version


# Sent by name: the tasks module calls these services, and is never imported by them.
GENERATE_TASK = "reporting.tasks.generate_bilan_pdf"


def bilan_version_enqueue(*, version: BilanVersion) -> bool:
    """Send the generation task; on a broker failure the version stays "en attente"."""
    limit = settings.CEIS_REPORT_JOB_TIME_LIMIT
    # Its own connection with short timeouts: a broker down or hanging never holds the page.
    sent = send_quickly(
        GENERATE_TASK,
        args=[version.pk],
        # The worker kills the job at the limit the sweeper counts with (row 25).
        time_limit=limit,
        soft_time_limit=max(limit - 30, limit * 9 // 10),
    )
    if not sent:
        return False
    BilanVersion.objects.filter(pk=version.pk).update(sent_at=timezone.now())
    return True


def bilan_version_retry(*, version: BilanVersion, user, request=None) -> BilanVersion:
    """Queue again a version that failed, that still waits because the broker was down, or
    whose job is past its time limit. A job still running within its limit is left alone."""
    with transaction.atomic():
        version = BilanVersion.objects.select_for_update().get(pk=version.pk)
        if not version.can_retry:
            return version
        version.status = JobStatus.PENDING
        version.error = ""
        version.queued_at = timezone.now()
        version.sent_at = None
        version.requeues = 0
        version.save(update_fields=["status", "error", "queued_at", "sent_at", "requeues"])
        journal_record(
            action=JournalAction.UPDATE,
            user=user,
            obj=version,
            request=request,
            payload={"fields": ["status"], "retry": True},
        )
        transaction.on_commit(lambda: bilan_version_enqueue(version=version))
    return version


# A version the broker did not take is sent again by the sweeper once the request that recorded
# it is surely over (its own attempt takes a fraction of a second).
UNSENT_GRACE = datetime.timedelta(seconds=30)
INTERRUPTED = (
    "Le traitement a été interrompu (le service de préparation des PDF s'est arrêté ou n'a pas "
    "répondu dans les {limit} prévues). Vous pouvez relancer cette version."
)


def bilan_versions_sweep(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Recover the versions a dead worker or a down broker left behind. Idempotent: a version
    once requeued is in time again, so a second sweep leaves it.

    - "en attente" and never taken by the broker: sent again;
    - past its time limit ("en cours", or taken by the broker but never started): requeued once,
      failed the next time with a French message, so that the page offers "Relancer".
    """
    now = now or timezone.now()
    counts = {"sent": 0, "requeued": 0, "failed": 0}
    unsent = BilanVersion.objects.filter(
        status=JobStatus.PENDING, sent_at__isnull=True, queued_at__lt=now - UNSENT_GRACE
    )
    for version in unsent.order_by("pk"):
        if not bilan_version_enqueue(version=version):
            break  # the broker is still away: the next sweep tries again, without waiting here
        counts["sent"] += 1

    for pk in BilanVersion.objects.filter(BilanVersion.overdue_q(now)).values_list("pk", flat=True):
        with transaction.atomic():
            version = BilanVersion.objects.select_for_update().get(pk=pk)
            if not version.is_overdue(now):  # finished or requeued since the query
                continue
            if version.requeues < 1:
                version.status = JobStatus.PENDING
                version.requeues += 1
                version.queued_at = now
                version.sent_at = None
                version.save(update_fields=["status", "requeues", "queued_at", "sent_at"])
                transaction.on_commit(
                    lambda version=version: bilan_version_enqueue(version=version)
                )
                counts["requeued"] += 1
            else:
                version.status = JobStatus.FAILED
                version.error = INTERRUPTED.format(limit=BilanVersion.time_limit_label())
                version.finished_at = now
                version.save(update_fields=["status", "error", "finished_at"])
                counts["failed"] += 1
    if any(counts.values()):
        logger.warning("Bilan versions swept: %s", counts)
    return counts


def bilan_version_generate(*, version_id: int) -> BilanVersion:
    """Build the PDF of a version. Idempotent: a version already "prêt" is left as it is."""
    from .pdf import render_bilan_pdf

    with transaction.atomic():
        version = (
            BilanVersion.objects.select_for_update(of=("self",))
            .select_related("document__site")
            .get(pk=version_id)
        )
        if version.status == JobStatus.READY:
            return version
        version.status = JobStatus.RUNNING
        version.started_at = timezone.now()
        version.attempts += 1
        version.error = ""
        version.save(update_fields=["status", "started_at", "attempts", "error"])

    started = time.monotonic()
    document = version.document
    try:
        # The one snapshot of this version: its call-outs, charts and the figures of its texts
        # are all read from it, and it is stored beside the PDF.
        contents = _version_contents(version)
        # A compared version keeps the previous year in the same snapshot (`previous`).
        compute = compute_with_previous if contents["texts"].get("compare") else compute_bilan
        bilan = compute(date_from=document.date_from, date_to=document.date_to, site=document.site)
        content = render_bilan_pdf(bilan, **contents)
    except Exception as error:
        bilan_version_fail(version_id=version.pk, error=error)
        raise

    with transaction.atomic():
        version = BilanVersion.objects.select_for_update().get(pk=version.pk)
        if version.status == JobStatus.READY:  # a duplicate run finished first
            return version
        version.indicators = bilan
        version.pdf.save(version.filename(), ContentFile(content), save=False)
        version.pdf_size = len(content)
        version.duration_ms = int((time.monotonic() - started) * 1000)
        version.status = JobStatus.READY
        # The sweeper may have given this job up while it was still working: its PDF stands.
        version.error = ""
        version.finished_at = timezone.now()
        version.save()
    return version


def _version_contents(version: BilanVersion) -> dict:
    """The document, texts and testimonials a version prints: those kept when it was requested
    (a version older than that keeping reads its bilan's current ones)."""
    document = version.document
    texts = version.texts or document.texts_snapshot()
    testimonials = Testimonial.objects.filter(pk__in=texts["testimonials"]).order_by("date")
    return {"document": document, "texts": texts, "testimonials": testimonials}


def bilan_version_fail(*, version_id: int, error: BaseException) -> None:
    """Keep the error on the version so that the manager sees it and can retry."""
    if isinstance(error, SoftTimeLimitExceeded):
        message = (
            f"Le PDF n'a pas pu être préparé dans les {BilanVersion.time_limit_label()} prévues. "
            "Vous pouvez relancer cette version."
        )
    else:
        message = f"{type(error).__name__}: {error}"[:2000]
    BilanVersion.objects.filter(pk=version_id).exclude(status=JobStatus.READY).update(
        status=JobStatus.FAILED, error=message, finished_at=timezone.now()
    )


@transaction.atomic
def bilan_version_publish(*, version: BilanVersion, user, request=None) -> BilanVersion:
    """Mark a ready version "publiée": from then on it is frozen and cannot be deleted; a newer
    version, once published, supersedes it. Publishing twice changes nothing."""
    version = BilanVersion.objects.select_for_update().get(pk=version.pk)
    if not version.can_publish:
        return version
    version.published_at = timezone.now()
    version.published_by = user
    version.validate_constraints()  # published only when ready (the row's own check)
    version.save(update_fields=["published_at", "published_by"])
    journal_record(
        action=JournalAction.UPDATE,
        user=user,
        obj=version,
        request=request,
        payload={"fields": ["published_at"]},
    )
    return version
