"""Uploads are bounded before they are parsed (security.md row 21): a zip is judged on its
directory (members, total decompressed size, expansion ratio) before a byte is expanded; a
package is read line by line within a row and column budget; a NUL byte is refused with its
place, never reported "valide" then refused by PostgreSQL; a background job imports a large
package, with its page, its confirmation and "Relancer"."""

import datetime
import io
import tracemalloc
import zipfile

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from ceis.choices import ImportKind, ImportStatus, ImportStep, Role
from ceis.imports import import_job_retry
from ceis.models import ImportJob, Person
from ceis.package import views
from ceis.tests.package_data import package, write
from ceis.uploads import UploadRefused, check_zip

pytestmark = pytest.mark.django_db

MB = 1024 * 1024


@pytest.fixture(autouse=True)
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"


def zip_bomb(path, *, megabytes=300):
    """A zip of a few hundred kilobytes whose one CSV expands to `megabytes` of zeros."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("manifest.csv", "key,value\nformat,ceis.package/1\n")
        with archive.open("people.csv", "w") as member:
            chunk = b"0" * MB
            for _ in range(megabytes):
                member.write(chunk)
    return path


def zipped(folder, name="paquet.zip") -> io.BytesIO:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for file in sorted(folder.iterdir()):
            archive.write(file, file.name)
    buffer.seek(0)
    buffer.name = name
    return buffer


def import_errors(path) -> list[str]:
    err = io.StringIO()
    with pytest.raises(CommandError) as refusal:
        call_command("import_package", str(path), stdout=io.StringIO(), stderr=err)
    return [*err.getvalue().strip().splitlines(), str(refusal.value)]


@pytest.fixture(scope="module")
def bomb(tmp_path_factory):
    return zip_bomb(tmp_path_factory.mktemp("bomb") / "bombe.zip")


def test_a_zip_bomb_is_refused_from_its_directory_without_expanding(bomb):
    assert bomb.stat().st_size < 2 * MB  # small on disk, 300 MB expanded
    tracemalloc.start()
    try:
        with pytest.raises(UploadRefused) as refusal:
            check_zip(bomb, compressed_size=bomb.stat().st_size)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert "son contenu décompressé ferait 300 Mo (maximum 100 Mo)" in str(refusal.value)
    assert peak < 5 * MB  # nothing was expanded


def test_the_command_line_refuses_the_bomb_too(bomb):
    errors = import_errors(bomb)
    assert "bombe.zip : L'archive est refusée : son contenu décompressé ferait 300 Mo" in errors[-1]
    assert Person.objects.count() == 0


def test_the_upload_page_refuses_the_bomb(client_for, bomb):
    client = client_for(Role.ADMIN)
    with open(bomb, "rb") as file:
        response = client.post(reverse("package:upload"), {"package": file})
    assert response.status_code == 400
    assert "ferait 300 Mo (maximum 100 Mo)" in response.content.decode()
    assert list(views.upload_dir().iterdir()) == []


def test_the_expansion_ratio_is_bounded_even_under_the_size_cap(tmp_path, settings):
    settings.CEIS_UPLOAD_ZIP_MAX_UNCOMPRESSED_BYTES = 1024 * MB
    path = zip_bomb(tmp_path / "ratio.zip", megabytes=20)
    with pytest.raises(UploadRefused) as refusal:
        check_zip(path, compressed_size=path.stat().st_size)
    assert "se décompresse" in str(refusal.value) and "bombe zip" in str(refusal.value)


def test_too_many_members_are_refused(tmp_path, settings):
    settings.CEIS_UPLOAD_ZIP_MAX_MEMBERS = 30
    path = tmp_path / "many.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for number in range(31):
            archive.writestr(f"f{number}.csv", "a\n")
    assert "L'archive contient 31 fichiers (maximum 30)" in import_errors(path)[-1]


def test_a_truncated_zip_is_reported_in_french(tmp_path, client_for):
    whole = zipped(write(tmp_path / "src", package())).getvalue()
    path = tmp_path / "tronque.zip"
    path.write_bytes(whole[: len(whole) // 2])
    assert "n'est pas une archive zip complète (fichier tronqué ?)" in import_errors(path)[-1]
    client = client_for(Role.ADMIN)
    upload = io.BytesIO(whole[: len(whole) // 2])
    upload.name = "tronque.zip"
    response = client.post(reverse("package:upload"), {"package": upload})
    assert response.status_code == 400
    assert "fichier tronqué" in response.content.decode()


def test_a_nul_byte_is_refused_with_its_file_line_and_column(tmp_path):
    data = package()
    data["people"][2][data["people"][0].index("commune")] = "Mont\x00pellier"
    errors = import_errors(write(tmp_path / "nul", data))
    assert errors[0] == "people.csv:3: commune: caractère nul interdit"
    assert Person.objects.count() == 0


def test_a_nul_byte_is_refused_on_the_upload_page_not_reported_valid(tmp_path, client_for):
    data = package()
    data["people"][2][data["people"][0].index("commune")] = "Mont\x00pellier"
    client = client_for(Role.ADMIN)
    response = client.post(
        reverse("package:upload"), {"package": zipped(write(tmp_path / "nul", data))}
    )
    html = response.content.decode()
    assert "Le paquet est valide" not in html
    assert "people.csv:3: commune: caractère nul interdit" in html


def test_too_many_columns_are_refused(tmp_path, settings):
    settings.CEIS_UPLOAD_MAX_COLUMNS = 10
    errors = import_errors(write(tmp_path / "wide", package()))
    assert "people.csv:1: -: 14 colonnes (maximum 10)" in errors


def test_the_rows_of_a_package_are_bounded_together(tmp_path, settings):
    settings.CEIS_UPLOAD_MAX_ROWS = 5
    errors = import_errors(write(tmp_path / "long", package()))
    assert any("le paquet dépasse 5 lignes au total" in error for error in errors), errors


def test_a_folder_is_bounded_like_a_zip(tmp_path, settings):
    settings.CEIS_UPLOAD_ZIP_MAX_UNCOMPRESSED_BYTES = 1000
    folder = write(tmp_path / "big", package())
    assert "Le dossier est refusé : ses fichiers CSV font" in import_errors(folder)[-1]


# A large package: a background job ------------------------------------------------------------


def test_a_large_package_is_checked_then_imported_by_a_job(
    client_for, tmp_path, settings, django_capture_on_commit_callbacks
):
    settings.CEIS_IMPORT_ASYNC_ROWS = 3  # the small package is "large" for this test
    client = client_for(Role.ADMIN)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("package:upload"), {"package": zipped(write(tmp_path / "p", package()))}
        )
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("imports:job", args=[job.public_id])
    assert (job.kind, job.step, job.status) == (
        ImportKind.PACKAGE,
        ImportStep.CHECK,
        ImportStatus.DONE,
    )
    assert job.done == job.total > 3
    assert Person.objects.count() == 0
    html = client.get(response["Location"]).content.decode()
    assert "Le paquet est valide" in html and "people.csv" in html
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("imports:confirm", args=[job.public_id]))
    applied = ImportJob.objects.get(step=ImportStep.APPLY)
    assert response["Location"] == reverse("imports:job", args=[applied.public_id])
    assert applied.status == ImportStatus.DONE
    assert Person.objects.count() == 4
    # A second confirmation (double click) leads to the same import, started once.
    again = client.post(reverse("imports:confirm", args=[job.public_id]))
    assert again["Location"] == response["Location"]
    assert ImportJob.objects.filter(step=ImportStep.APPLY).count() == 1
    html = client.get(response["Location"]).content.decode()
    assert "Paquet importé" in html
    assert not (settings.MEDIA_ROOT / "uploads" / applied.upload).exists()


def test_a_failed_job_says_why_and_can_be_relaunched(
    client_for, tmp_path, settings, django_capture_on_commit_callbacks
):
    settings.CEIS_IMPORT_ASYNC_ROWS = 3
    client = client_for(Role.ADMIN)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("package:upload"), {"package": zipped(write(tmp_path / "p", package()))}
        )
    job = ImportJob.objects.get()
    # The first run met an unexpected end; the page offers "Relancer".
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.FAILED, error="Coupure.")
    html = client.get(response["Location"]).content.decode()
    assert "Coupure." in html and "Relancer" in html
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("imports:retry", args=[job.public_id]))
    job.refresh_from_db()
    assert (job.status, job.error) == (ImportStatus.DONE, "")
    assert job.result["ok"] is True


def test_a_job_whose_file_is_gone_fails_in_french(
    client_for, tmp_path, settings, django_capture_on_commit_callbacks
):
    settings.CEIS_IMPORT_ASYNC_ROWS = 3
    client = client_for(Role.ADMIN)
    client.post(reverse("package:upload"), {"package": zipped(write(tmp_path / "p", package()))})
    job = ImportJob.objects.get()
    for stored in views.upload_dir().iterdir():
        stored.unlink()
    with django_capture_on_commit_callbacks(execute=True):
        job.status = ImportStatus.FAILED
        import_job_retry(job=job)
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED
    assert job.error == "Le fichier envoyé n'est plus disponible : envoyez-le à nouveau."


def test_a_job_page_is_its_author_s_only(client_for, tmp_path, settings):
    settings.CEIS_IMPORT_ASYNC_ROWS = 3
    client = client_for(Role.ADMIN)
    response = client.post(
        reverse("package:upload"), {"package": zipped(write(tmp_path / "p", package()))}
    )
    assert client.get(response["Location"]).status_code == 200
    other = client_for(Role.ADMIN)
    assert other.get(response["Location"]).status_code == 404


def test_the_job_page_refreshes_itself_while_it_runs(client_for, tmp_path, settings):
    settings.CEIS_IMPORT_ASYNC_ROWS = 3
    client = client_for(Role.ADMIN)
    # No on-commit execution: the job stays pending, as while a worker is busy.
    response = client.post(
        reverse("package:upload"), {"package": zipped(write(tmp_path / "p", package()))}
    )
    url = response["Location"]
    html = client.get(url).content.decode()
    assert f'hx-get="{url}"' in html and 'hx-trigger="every 2s"' in html
    assert f'<a href="{url}">Actualiser</a>' in html  # without JavaScript
    fragment = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert fragment.lstrip().startswith('<div id="import-job"')


def test_finished_jobs_are_purged_with_the_stale_uploads(make_user, settings):
    from django.utils import timezone

    from ceis.uploads import stale_uploads_purge

    settings.CEIS_UPLOAD_MAX_AGE_HOURS = 24
    user = make_user(Role.ADMIN)

    def job(status, hours):
        created = ImportJob.objects.create(
            kind=ImportKind.PACKAGE, step=ImportStep.CHECK, status=status, user=user
        )
        stamp = timezone.now() - datetime.timedelta(hours=hours)
        ImportJob.objects.filter(pk=created.pk).update(created_at=stamp)
        return created.pk

    job(ImportStatus.DONE, 25), job(ImportStatus.FAILED, 25), job(ImportStatus.RUNNING, 25)
    young = job(ImportStatus.RUNNING, 23)
    stale_uploads_purge()
    assert set(ImportJob.objects.values_list("pk", flat=True)) == {young}


def test_a_job_lost_past_its_time_limit_offers_relancer(
    client_for, tmp_path, settings, django_capture_on_commit_callbacks
):
    settings.CEIS_IMPORT_ASYNC_ROWS = 3
    client = client_for(Role.ADMIN)
    url = client.post(
        reverse("package:upload"), {"package": zipped(write(tmp_path / "p", package()))}
    )["Location"]
    job = ImportJob.objects.get()
    assert "Relancer" not in client.get(url).content.decode()  # waiting, within its time
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.RUNNING, created_at=job.created_at - datetime.timedelta(minutes=61)
    )
    html = client.get(url).content.decode()
    assert "il a sans doute été interrompu" in html.replace("&#x27;", "'") and "Relancer" in html
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("imports:retry", args=[job.public_id]))
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE and job.result["ok"] is True


def test_with_the_broker_down_a_large_import_fails_at_once_and_offers_relancer(
    client_for, tmp_path, settings, django_capture_on_commit_callbacks
):
    """The page never waits on the broker (security.md row 25): the job is failed with a French
    message and « Relancer », which works once the broker is back."""
    from unittest import mock

    from ceis.tasks import import_job_task

    settings.CEIS_IMPORT_ASYNC_ROWS = 3
    client = client_for(Role.ADMIN)
    with (
        mock.patch.object(import_job_task, "apply_async", side_effect=OSError("refused")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post(
            reverse("package:upload"), {"package": zipped(write(tmp_path / "p", package()))}
        )
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.FAILED
    html = client.get(response["Location"]).content.decode()
    assert "ne répond pas pour l&#x27;instant" in html and "Relancer" in html
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("imports:retry", args=[job.public_id]))
    job.refresh_from_db()
    assert (job.status, job.result["ok"]) == (ImportStatus.DONE, True)
