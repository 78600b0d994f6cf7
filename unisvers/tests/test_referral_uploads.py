"""France Travail lists bounded before they are parsed (security.md row 21): encoding read line
by line (UTF-8, else Windows-1252 with a notice, else refused naming the line), a truncated
workbook, a NUL byte, too many rows or columns — each refused in French, never a 500; a list of
more than CEIS_IMPORT_ASYNC_ROWS rows is checked and imported by a background job with its
progress, all or nothing."""

import datetime
import io
import re
import resource
import time
import tracemalloc
import zipfile

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ceis import imports
from ceis.choices import ImportKind, ImportStatus, ImportStep
from ceis.imports import import_job_retry
from ceis.models import ImportJob, Person
from ceis.selectors import person_duplicates, person_duplicates_bulk
from ceis.tests.factories import PersonFactory
from unisvers.models import Enrollment
from unisvers.referrals import ReferralFileError, read_referrals

pytestmark = pytest.mark.django_db

MB = 1024 * 1024
HEADER = "Nom;Prénom;Date de naissance;Conseiller;Date d'orientation\n"
CSV = (
    HEADER + "Dupont;Marie;12/03/1985;M. Roux;02/02/2026\n"
    "Lefèvre;Éloïse;01/07/1990;Mme Sol;03/02/2026\n"
    "Martin;Paul;31/02/1979;M. Roux;03/02/2026\n"
)


@pytest.fixture(autouse=True)
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"


def upload(content: bytes, name="liste.csv"):
    file = io.BytesIO(content)
    file.name = name
    return file


def post_list(client, cohort, content: bytes, name="liste.csv"):
    url = reverse("unisvers:referral_import", args=[cohort.public_id])
    return client.post(url, {"action": "preview", "file": upload(content, name)})


def refusal(response) -> str:
    assert response.status_code == 400
    match = re.search(
        r'<div class="alert alert-danger" role="alert">(.*?)</div>', response.content.decode(), re.S
    )
    return match.group(1).replace("&#x27;", "'").replace("&quot;", '"')


def workbook(rows) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def rewritten(xlsx: bytes, old: bytes, new: bytes) -> bytes:
    """The workbook with `old` replaced by `new` in its XML parts (a hand-made file)."""
    source, target = zipfile.ZipFile(io.BytesIO(xlsx)), io.BytesIO()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            archive.writestr(info.filename, source.read(info.filename).replace(old, new))
    return target.getvalue()


# Encoding --------------------------------------------------------------------------------------


def test_a_latin1_list_is_read_with_a_notice(client, cohort, referent):
    client.force_login(referent)
    response = post_list(client, cohort, CSV.encode("latin-1"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Lefèvre" in html and "Éloïse" in html  # accents read right
    assert "il a été lu en Windows-1252 (latin-1)" in html


def test_a_latin1_list_with_invalid_bytes_is_refused_naming_the_line(client, cohort, referent):
    client.force_login(referent)
    content = CSV.encode("latin-1").replace(b"Martin", b"Mar\x81in")
    message = refusal(post_list(client, cohort, content))
    assert message.startswith("Ligne 4 : octet 0x81 invalide en Windows-1252 : le fichier n'est")
    assert "Enregistrez-le en « CSV UTF-8 »" in message
    assert Person.objects.count() == 0


# Workbooks -------------------------------------------------------------------------------------


def test_a_truncated_workbook_is_refused_in_french(client, cohort, referent):
    client.force_login(referent)
    xlsx = workbook([["Nom", "Prénom"], ["Durand", "Karim"]])
    message = refusal(post_list(client, cohort, xlsx[: len(xlsx) * 2 // 3], "liste.xlsx"))
    assert message == "Classeur Excel illisible."


def test_a_workbook_with_a_truncated_sheet_is_refused_in_french(client, cohort, referent):
    """The zip is whole, its sheet's XML stops short: the parser's ParseError, caught."""
    client.force_login(referent)
    xlsx = rewritten(workbook([["Nom", "Prénom"], ["Durand", "Karim"]]), b"</sheetData>", b"")
    message = refusal(post_list(client, cohort, xlsx, "liste.xlsx"))
    assert message.startswith("Classeur Excel illisible : il est tronqué ou endommagé")


def test_a_nul_character_in_a_workbook_cell_is_refused_with_its_place(client, cohort, referent):
    client.force_login(referent)
    # Spreadsheets write a control character of a cell as _x0000_: read back as a NUL.
    xlsx = rewritten(workbook([["Nom", "Prénom"], ["Durand", "KARIMNUL"]]), b"NUL", b"_x0000_")
    message = refusal(post_list(client, cohort, xlsx, "liste.xlsx"))
    assert message == (
        "Ligne 2, colonne « Prénom » : caractère nul interdit (le fichier est peut-être endommagé)."
    )


def test_a_nul_byte_in_a_workbook_s_xml_is_refused_in_french(client, cohort, referent):
    client.force_login(referent)
    xlsx = rewritten(workbook([["Nom", "Prénom"], ["Durand", "KARIMNUL"]]), b"NUL", b"\x00")
    assert "Classeur Excel illisible" in refusal(post_list(client, cohort, xlsx, "liste.xlsx"))


def test_a_workbook_declaring_too_many_columns_is_refused_before_its_rows(settings):
    settings.CEIS_UPLOAD_MAX_COLUMNS = 5
    with pytest.raises(ReferralFileError) as error:
        read_referrals(workbook([["Nom", "Prénom"], ["Durand", "Karim", "", "", "", "", "x"]]))
    assert str(error.value).startswith("Ligne 1 : plus de 5 colonnes")


def test_a_workbook_of_too_many_rows_is_refused(settings):
    settings.CEIS_UPLOAD_MAX_ROWS = 3
    rows = [["Nom", "Prénom"], *([["Durand", "Karim"]] * 4)]
    with pytest.raises(ReferralFileError) as error:
        read_referrals(workbook(rows))
    assert str(error.value) == "Le fichier dépasse 3 lignes : découpez-le."


# CSV -------------------------------------------------------------------------------------------


def test_a_nul_byte_in_a_csv_is_refused_with_its_line_and_column(client, cohort, referent):
    client.force_login(referent)
    content = CSV.replace("Paul", "Pa\x00ul").encode()
    message = refusal(post_list(client, cohort, content))
    assert message.startswith("Ligne 4, colonne « Prénom » : caractère nul interdit")
    assert Person.objects.count() == 0


def test_a_csv_of_too_many_columns_is_refused(client, cohort, referent, settings):
    settings.CEIS_UPLOAD_MAX_COLUMNS = 6
    client.force_login(referent)
    content = (HEADER + "Dupont;Marie;;;;;;;;\n").encode()
    assert refusal(post_list(client, cohort, content)).startswith("Ligne 2 : plus de 6 colonnes")


def test_a_csv_of_too_many_rows_is_refused(settings):
    settings.CEIS_UPLOAD_MAX_ROWS = 2
    with pytest.raises(ReferralFileError) as error:
        read_referrals(CSV.encode())
    assert str(error.value) == "Le fichier dépasse 2 lignes : découpez-le."


# The duplicate rule, one query per batch ----------------------------------------------------


def test_the_bulk_duplicate_rule_agrees_with_the_one_person_rule(site, referent):
    born = datetime.date(1990, 7, 1)
    PersonFactory(site=site, last_name="LEFEVRE", first_name="Eloise", birth_date=born)
    PersonFactory(site=site, last_name="Roux", first_name="Ana", birth_date=None, birth_year=1980)
    PersonFactory(site=site, last_name="Sol", first_name="Léa", birth_date=None, birth_year=None)
    candidates = [
        ("Lefèvre", "Éloïse", born),
        ("Lefèvre", "Éloïse", datetime.date(1991, 7, 1)),
        ("Lefèvre", "Éloïse", None),
        ("Roux", "Ana", datetime.date(1980, 5, 5)),
        ("Roux", "Ana", datetime.date(1981, 5, 5)),
        ("Sol", "Léa", datetime.date(2000, 1, 1)),
        ("Inconnue", "Zoé", None),
    ]
    one_by_one = [
        next(
            iter(person_duplicates(user=referent, last_name=last, first_name=f, birth_date=b)), None
        )
        for last, f, b in candidates
    ]
    assert person_duplicates_bulk(user=referent, candidates=candidates) == one_by_one
    assert [person is not None for person in one_by_one] == [1, 0, 1, 1, 0, 1, 0]


# Long lists: a background job ------------------------------------------------------------------


def big_list(rows: int) -> bytes:
    lines = [HEADER]
    for number in range(rows):
        lines.append(f"Nom{number};Prénom{number};01/01/1980;M. Roux;02/02/2026\n")
    lines.append("Sans;prénom;31/02/1979;;\n")  # one error, reported by the check
    return "".join(lines).encode()


def test_a_long_list_is_checked_by_a_job_with_its_progress(
    client, cohort, referent, settings, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr(imports, "PROGRESS_SECONDS", 0)  # every batch writes its progress
    client.force_login(referent)
    with (
        CaptureQueriesContext(connection) as queries,
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = post_list(client, cohort, big_list(6000))
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("imports:job", args=[job.public_id])
    assert (job.kind, job.step, job.status) == (
        ImportKind.REFERRALS,
        ImportStep.CHECK,
        ImportStatus.DONE,
    )
    assert (job.done, job.total) == (6001, 6001)
    progress = [
        int(found)
        for query in queries.captured_queries
        if query["sql"].startswith('UPDATE "ceis_importjob"')
        for found in re.findall(r'"done" = (\d+)', query["sql"])
    ]
    assert progress[:3] == [0, 500, 1000] and progress[-1] == 6001  # 500 rows at a time
    assert job.result["counts"] == {"new": 6000, "existing": 0, "enrolled": 0, "error": 1}
    assert job.result["errors"] == [
        "Ligne 6002 : date de naissance invalide « 31/02/1979 » (attendu JJ/MM/AAAA)"
    ]
    html = client.get(response["Location"]).content.decode()
    assert "Inscrire les 6000 personnes sans erreur" in html
    assert Person.objects.count() == 0  # the check writes nothing


def confirm(client, job, entry_date):
    return client.post(reverse("imports:confirm", args=[job.public_id]), {"entry_date": entry_date})


def test_the_confirmed_job_enrolls_every_row_without_error_all_or_nothing(
    client, cohort, referent, settings, django_capture_on_commit_callbacks
):
    settings.CEIS_IMPORT_ASYNC_ROWS = 2  # three rows: "long" for this test
    existing = PersonFactory(
        site=cohort.site,
        last_name="LEFEVRE",
        first_name="Eloise",
        birth_date=datetime.date(1990, 7, 1),
    )
    client.force_login(referent)
    with django_capture_on_commit_callbacks(execute=True):
        job_url = post_list(client, cohort, CSV.encode())["Location"]
    job = ImportJob.objects.get()
    assert job.result["counts"] == {"new": 1, "existing": 1, "enrolled": 0, "error": 1}
    # No entry date: refused, the job stays to confirm.
    response = confirm(client, job, "")
    assert (
        response.status_code == 400 and "Date d&#x27;entrée invalide." in response.content.decode()
    )
    # An entry after the cohort's end: the apply step fails, nothing is written.
    with django_capture_on_commit_callbacks(execute=True):
        response = confirm(client, job, "2026-05-01")
    applied = ImportJob.objects.get(step=ImportStep.APPLY)
    assert applied.status == ImportStatus.FAILED
    assert applied.error.startswith("Ligne 2 : ") and "Aucune inscription" in applied.error
    assert Enrollment.objects.count() == 0 and Person.objects.count() == 1
    html = client.get(response["Location"]).content.decode()
    assert "Relancer" in html
    # A corrected date, confirmed again from the check's page.
    assert client.get(job_url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = confirm(client, job, "2026-03-02")
    done = ImportJob.objects.get(step=ImportStep.APPLY, status=ImportStatus.DONE)
    assert done.result == {"ok": True, "enrolled": 2}
    enrolled = Enrollment.objects.filter(cohort=cohort).order_by("person__last_name")
    assert [(e.person.last_name, e.entry_date) for e in enrolled] == [
        ("Dupont", datetime.date(2026, 3, 2)),
        ("LEFEVRE", datetime.date(2026, 3, 2)),
    ]
    assert enrolled[1].person == existing
    assert (
        "2 personnes inscrites dans la promotion"
        in client.get(response["Location"]).content.decode()
    )


def test_a_job_fails_in_french_when_the_list_is_unreadable(
    client, cohort, referent, settings, django_capture_on_commit_callbacks
):
    settings.CEIS_IMPORT_ASYNC_ROWS = 2
    client.force_login(referent)
    content = CSV.replace("Paul", "Pa\x00ul").encode()
    with django_capture_on_commit_callbacks(execute=True):
        response = post_list(client, cohort, content)
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.FAILED
    assert job.error.startswith("Ligne 4, colonne « Prénom » : caractère nul interdit")
    assert "Relancer" in client.get(response["Location"]).content.decode()


def test_a_job_checks_the_user_s_rights_again(
    client, cohort, referent, settings, django_capture_on_commit_callbacks
):
    settings.CEIS_IMPORT_ASYNC_ROWS = 2
    client.force_login(referent)
    post_list(client, cohort, CSV.encode())
    job = ImportJob.objects.get()
    referent.groups.clear()  # no longer a social worker
    referent = type(referent).objects.get(pk=referent.pk)  # permissions read afresh
    job.user = referent
    with django_capture_on_commit_callbacks(execute=True):
        job.status = ImportStatus.FAILED
        job.save()
        import_job_retry(job=job)
    job.refresh_from_db()
    assert (job.status, job.error) == (
        ImportStatus.FAILED,
        "Vous n'avez plus le droit d'inscrire des personnes.",
    )


@pytest.mark.faults
def test_a_100000_row_list_is_checked_by_the_job_under_500_mb(
    client, cohort, referent, django_capture_on_commit_callbacks
):
    client.force_login(referent)
    content = big_list(100_000)
    started = time.monotonic()
    tracemalloc.start()
    try:
        with django_capture_on_commit_callbacks(execute=True):
            post_list(client, cohort, content)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    job = ImportJob.objects.get()
    assert (job.status, job.done, job.total) == (ImportStatus.DONE, 100_001, 100_001)
    assert job.result["counts"]["new"] == 100_000
    # The bound of row 21: Python's allocations while the request and the job ran, and the
    # whole process's peak resident memory.
    assert peak < 500 * MB, peak
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 < 500 * MB
    print(f"100 000 lignes : {time.monotonic() - started:.1f} s, pic Python {peak / MB:.0f} Mo")
