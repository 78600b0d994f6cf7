"""The steps of a data package imported by a Celery job (ceis/imports.py): the check makes the
validation report, the apply validates again (the database may have changed) and writes it all
in one transaction."""

from ceis.choices import ImportKind, ImportStep
from ceis.uploads import ImportFailure, job_path

from .importer import PackageImport
from .reader import PackageSourceError

MAX_ERRORS = 100


def _validated(job, progress) -> PackageImport:
    if not job.user.is_ceis_admin:
        raise ImportFailure("Réservé aux administrateurs.")
    package = PackageImport(job_path(job))
    progress(0, job.total, force=True)
    try:
        package.validate()
    except PackageSourceError as error:
        raise ImportFailure(str(error)) from None
    progress(job.total, force=True)
    return package


def check(job, progress) -> dict:
    package = _validated(job, progress)
    errors = [str(error) for error in package.errors]
    return {
        "ok": not errors,
        "errors": errors[:MAX_ERRORS],
        "error_count": len(errors),
        "summary": package.summary(),
        "reading": package.reading(),
    }


def apply(job, progress) -> dict:
    package = _validated(job, progress)
    if package.errors:
        errors = [str(error) for error in package.errors]
        raise ImportFailure(
            f"Le paquet n'est plus valide ({len(errors)} erreur(s), dont « {errors[0]} ») : "
            "rien n'a été écrit."
        )
    counts = package.apply(user=job.user)
    job_path(job).unlink(missing_ok=True)
    return {
        "ok": True,
        "created": sum(counts["created"].values()),
        "updated": sum(counts["updated"].values()),
    }


STEPS = {
    ImportKind.PACKAGE: {
        ImportStep.CHECK: check,
        ImportStep.APPLY: apply,
        "params": lambda data: {},
        "template": "ceis/package/job.html",
    }
}
