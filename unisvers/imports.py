"""The steps of a France Travail list imported by a Celery job (ceis/imports.py), for lists of
more than CEIS_IMPORT_ASYNC_ROWS rows: the check classifies every row as the preview does (new,
existing, already enrolled, error) and counts them; the apply enrolls every row that can be, in
one transaction (all or nothing). The file is read again by each step, one row at a time."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404

from ceis.choices import ImportKind, ImportStep
from ceis.uploads import ImportFailure, job_path

from . import selectors
from .referrals import (
    ENROLLED,
    ERROR,
    EXISTING,
    NEW,
    ReferralFileError,
    classify,
    enroll_referrals,
    iter_referrals,
    reading_notice,
)

BATCH = 500
MAX_ERRORS = 100


def _cohort(job):
    """The cohort, as the user may still see it and still enroll into it (checked again by each
    step: a role may change between the upload and the confirmation)."""
    user = job.user
    if not (user.has_perm("unisvers.add_enrollment") and user.has_perm("ceis.add_person")):
        raise ImportFailure("Vous n'avez plus le droit d'inscrire des personnes.")
    try:
        return selectors.cohort_get(public_id=job.params["cohort"], user=job.user)
    except Http404:
        raise ImportFailure("Cette promotion ne vous est plus accessible.") from None


def _batches(job, cohort, progress):
    """The classified rows, a batch at a time, with the progress after each batch."""
    done, batch = 0, []
    # The columns as the user mapped them before the job started (views/referrals.py).
    rows = iter_referrals(job_path(job), job.params.get("mapping"))

    def flush():
        enrolled = set(cohort.enrollments.values_list("person_id", flat=True))
        classify(batch, cohort=cohort, user=job.user, enrolled=enrolled)
        return batch

    try:
        for row in rows:
            batch.append(row)
            if len(batch) == BATCH:
                yield flush()
                done += len(batch)
                progress(done, max(job.total, done))
                batch = []
        if batch:
            yield flush()
            done += len(batch)
            progress(done, max(job.total, done))
    except ReferralFileError as error:
        raise ImportFailure(str(error)) from None


def check(job, progress) -> dict:
    cohort = _cohort(job)
    counts = dict.fromkeys((NEW, EXISTING, ENROLLED, ERROR), 0)
    errors = []
    for batch in _batches(job, cohort, progress):
        for row in batch:
            counts[row.status] += 1
            if row.status == ERROR and len(errors) < MAX_ERRORS:
                errors.append(f"Ligne {row.number} : {' ; '.join(row.errors)}")
    try:
        notice = reading_notice(job_path(job))
    except ReferralFileError as error:
        raise ImportFailure(str(error)) from None
    enrollable = counts[NEW] + counts[EXISTING]
    return {
        "ok": enrollable > 0,
        "counts": counts,
        "enrollable": enrollable,
        "errors": errors,
        "error_count": counts[ERROR],
        "notice": notice,
    }


def apply(job, progress) -> dict:
    cohort = _cohort(job)
    entry_date = datetime.date.fromisoformat(job.params["entry_date"])
    count = 0
    try:
        with transaction.atomic():
            for batch in _batches(job, cohort, progress):
                chosen = {row.number for row in batch if row.status in (NEW, EXISTING)}
                count += enroll_referrals(
                    cohort=cohort, rows=batch, chosen=chosen, entry_date=entry_date, user=job.user
                )
    except ValidationError as error:
        raise ImportFailure(
            f"{' '.join(error.messages)} Aucune inscription n'a été faite."
        ) from None
    job_path(job).unlink(missing_ok=True)
    return {"ok": True, "enrolled": count}


def confirm_params(data) -> dict:
    """The choices of the confirmation form: the date of entry into the cohort."""
    try:
        return {"entry_date": datetime.date.fromisoformat(data.get("entry_date", "")).isoformat()}
    except ValueError:
        raise ImportFailure("Date d'entrée invalide.") from None


STEPS = {
    ImportKind.REFERRALS: {
        ImportStep.CHECK: check,
        ImportStep.APPLY: apply,
        "params": confirm_params,
        "template": "unisvers/imports/referrals.html",
    }
}
