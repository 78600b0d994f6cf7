"""Writes of reporting: bilan documents and the generation of their PDF versions.

Reliability (security.md row 15): the version row is written first and the task is queued on
commit; if the broker cannot be reached the request still answers and the version waits
("en attente") until it is queued again; running a version twice produces one PDF.
"""

import datetime
import logging
import time

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from kombu.exceptions import OperationalError as KombuOperationalError

from ceis.choices import JournalAction
from ceis.services import journal_record

from .choices import JobStatus
from .indicators import compute_bilan
from .models import BilanDocument, BilanVersion
from .texts import prefill_texts

logger = logging.getLogger(__name__)


@transaction.atomic
def bilan_document_create(
    *, user, date_from: datetime.date, date_to: datetime.date, site=None, request=None
) -> BilanDocument:
    """A new bilan whose texts are prefilled with sentences written from the current figures."""
    document = BilanDocument(
        site=site,
        date_from=date_from,
        date_to=date_to,
        publication_date=timezone.localdate(),
        created_by=user,
    )
    document.full_clean(exclude=["title"])
    bilan = compute_bilan(date_from=date_from, date_to=date_to, site=site)
    texts = prefill_texts(bilan)
    document.title = texts["title"]
    document.introduction = texts["introduction"]
    document.unisvers_text = texts["unisvers"]
    document.villages_text = texts["villages"]
    document.save()
    journal_record(action=JournalAction.CREATE, user=user, obj=document, request=request)
    return document


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
        version = BilanVersion.objects.create(document=document, number=last + 1, requested_by=user)
        journal_record(
            action=JournalAction.CREATE,
            user=user,
            obj=version,
            request=request,
            payload={"document": str(document.public_id)},
        )
        transaction.on_commit(lambda: bilan_version_enqueue(version=version))
    return version


def bilan_version_enqueue(*, version: BilanVersion) -> bool:
    """Send the generation task; on a broker failure the version stays "en attente"."""
    from .tasks import generate_bilan_pdf

    try:
        generate_bilan_pdf.apply_async(args=[version.pk], retry=False)
    except (KombuOperationalError, OSError):
        logger.warning("Broker unreachable: bilan version %s waits to be queued", version.pk)
        return False
    return True


def bilan_version_retry(*, version: BilanVersion, user, request=None) -> BilanVersion:
    """Queue again a version that failed, or that still waits because the broker was down."""
    with transaction.atomic():
        version = BilanVersion.objects.select_for_update().get(pk=version.pk)
        if version.status == JobStatus.READY:
            return version
        version.status = JobStatus.PENDING
        version.save(update_fields=["status"])
        journal_record(
            action=JournalAction.UPDATE,
            user=user,
            obj=version,
            request=request,
            payload={"fields": ["status"], "retry": True},
        )
        transaction.on_commit(lambda: bilan_version_enqueue(version=version))
    return version


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
        bilan = compute_bilan(
            date_from=document.date_from, date_to=document.date_to, site=document.site
        )
        content = render_bilan_pdf(
            bilan, document=document, testimonials=document.testimonials.order_by("date")
        )
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
        version.finished_at = timezone.now()
        version.save()
    return version


def bilan_version_fail(*, version_id: int, error: BaseException) -> None:
    """Keep the error on the version so that the manager sees it and can retry."""
    message = f"{type(error).__name__}: {error}"[:2000]
    BilanVersion.objects.filter(pk=version_id).exclude(status=JobStatus.READY).update(
        status=JobStatus.FAILED, error=message, finished_at=timezone.now()
    )
