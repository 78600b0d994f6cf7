"""Uploads whose confirmation never comes are deleted after CEIS_UPLOAD_MAX_AGE_HOURS
(docs/security.md § 4: personal data must not stay on disk forever)."""

import datetime
import os

import pytest
from django.urls import reverse
from django.utils import timezone

from ceis.choices import Role
from ceis.models import Person
from ceis.package import views
from ceis.tasks import uploads_purge_task
from ceis.tests.package_data import package, zipped
from ceis.uploads import stale_uploads_purge, uploads_root

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CEIS_UPLOAD_MAX_AGE_HOURS = 24


def _file_aged(relative: str, hours: float):
    path = uploads_root() / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"PK\x03\x04 donnees")
    stamp = (timezone.now() - datetime.timedelta(hours=hours)).timestamp()
    os.utime(path, (stamp, stamp))
    return path


def test_files_older_than_the_limit_go_and_younger_ones_stay():
    old_package = _file_aged("packages/old.zip", 25)
    old_referral = _file_aged("referrals/old.xlsx", 24.1)
    young = _file_aged("referrals/young.xlsx", 23.9)
    assert stale_uploads_purge() == 2
    assert not old_package.exists() and not old_referral.exists()
    assert young.exists()
    assert stale_uploads_purge() == 0


def test_nothing_uploaded_yet_is_not_an_error():
    assert stale_uploads_purge() == 0


def test_an_abandoned_package_upload_is_purged_and_its_confirmation_says_so(client_for, tmp_path):
    client = client_for(Role.ADMIN)
    client.post(reverse("package:upload"), {"package": zipped(tmp_path, package())})
    (stored,) = views.upload_dir().iterdir()
    stamp = (timezone.now() - datetime.timedelta(hours=30)).timestamp()
    os.utime(stored, (stamp, stamp))

    assert uploads_purge_task.delay().get() == 1

    assert not stored.exists()
    response = client.post(reverse("package:confirm"), follow=True)
    assert "n'est plus disponible" in response.content.decode().replace("&#x27;", "'")
    assert Person.objects.count() == 0


def test_the_purge_is_scheduled_daily(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["uploads-purge"]
    assert entry["task"] == "ceis.tasks.uploads_purge_task"
    assert entry["schedule"] == 24 * 60 * 60
