"""Uploaded files waiting for a confirmation (data packages, France Travail referral files).

Both upload pages keep the file under `MEDIA_ROOT/uploads/<kind>/` between the upload and the
confirmation, and delete it once confirmed. A file whose confirmation never comes would keep
personal data on disk forever: `stale_uploads_purge` removes those older than
`CEIS_UPLOAD_MAX_AGE_HOURS` (24 by default), every day from Celery beat (docs/security.md § 4).
"""

import datetime
from pathlib import Path

from django.conf import settings
from django.utils import timezone


def uploads_root() -> Path:
    return Path(settings.MEDIA_ROOT) / "uploads"


def stale_uploads_purge(*, now: datetime.datetime | None = None) -> int:
    """Delete uploaded files older than the allowed age; returns how many were deleted."""
    root = uploads_root()
    if not root.is_dir():
        return 0
    now = now or timezone.now()
    limit = (now - datetime.timedelta(hours=settings.CEIS_UPLOAD_MAX_AGE_HOURS)).timestamp()
    deleted = 0
    for path in root.rglob("*"):
        if path.is_file() and not path.is_symlink() and path.stat().st_mtime < limit:
            path.unlink(missing_ok=True)
            deleted += 1
    return deleted
