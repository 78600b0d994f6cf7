"""A create form sent twice makes one record and shows the first result (security.md row 24)."""

import datetime
import io
import re
import uuid
import zipfile
from urllib.parse import urlsplit

import pytest
from django.urls import URLResolver, get_resolver, resolve, reverse
from django.utils import timezone

from ceis.choices import ImportStep, Role
from ceis.models import FormSubmission, ImportJob, JournalEntry, Person
from ceis.submissions import ALREADY_DONE, FIELD, submissions_purge
from ceis.tests.package_data import package, write
from tests.create_forms import CREATE_FORMS, World
from tests.html_forms import form_data
from unisvers.models import Enrollment

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(site):
    return World(site)


def _fill(client, case):
    page = client.get(case.page)
    assert page.status_code == 200
    return form_data(page.content.decode(), action=case.action, overrides=case.overrides)


def _html(response):
    return response.content.decode()


def _errors(response):
    """The form errors of a refused page, for the failure message."""
    text = re.sub(r"<[^>]+>", " ", _html(response))
    invalid = re.findall(r'name="([^"]+)"[^>]*aria-invalid="true"', _html(response))
    messages = re.findall(r"[^.\n]*(?:obligatoire|invalide|Saisissez|Sélectionnez)[^.\n]*", text)
    return invalid, [m.strip() for m in messages]


@pytest.mark.parametrize("name", CREATE_FORMS)
def test_a_form_sent_twice_makes_one_record_and_shows_the_first_result(name, client, world):
    case = CREATE_FORMS[name](world)
    client.force_login(case.user)
    before = case.count()
    data = _fill(client, case)
    url = case.action or case.page

    first = client.post(url, data)
    assert first.status_code == 302, _errors(first)
    made = case.count()
    assert made > before
    second = client.post(url, data)

    assert second.status_code == 302
    assert second["Location"] == first["Location"]
    assert case.count() == made
    assert ALREADY_DONE.replace("'", "&#x27;") in _html(client.get(second["Location"]))


# A wrong value typed in each of these forms, which refuses it.
REFUSED = {
    "personne": {"last_name": ""},
    "promotion": {"name": ""},
    "atelier": {"title": ""},
    "accompagnement": {"date": ""},
    "événement": {"date": ""},
    "bilan": {"preset": "custom", "date_from": "2026-07-01", "date_to": "2026-01-01"},
}


@pytest.mark.parametrize("name,wrong", REFUSED.items())
def test_a_refused_form_keeps_its_token_usable(name, wrong, client, world):
    case = CREATE_FORMS[name](world)
    client.force_login(case.user)
    before = case.count()
    data = _fill(client, case)
    url = case.action or case.page

    refused = client.post(url, {**data, **wrong})
    assert refused.status_code == 200
    assert case.count() == before
    assert not FormSubmission.objects.exists()
    corrected = client.post(url, data)

    assert corrected.status_code == 302
    assert case.count() == before + 1


def test_each_drawing_of_a_form_carries_a_new_token(client, world):
    client.force_login(world.referent)
    url = reverse("persons:create")
    first = form_data(_html(client.get(url)), action="")[FIELD]
    second = form_data(_html(client.get(url)), action="")[FIELD]
    assert first != second


def test_a_post_without_token_is_served_as_before(client, world):
    client.force_login(world.referent)
    data = {"last_name": "Sans", "first_name": "Jeton", "site": world.site.pk}
    assert client.post(reverse("persons:create"), data).status_code == 302
    assert Person.objects.filter(first_name__iexact="jeton").count() == 1
    assert not FormSubmission.objects.exists()


def test_the_token_of_someone_else_is_refused(client, world, make_user):
    client.force_login(world.referent)
    url = reverse("persons:create")
    data = form_data(
        _html(client.get(url)), action="", overrides=CREATE_FORMS["personne"](world).overrides
    )
    assert client.post(url, data).status_code == 302
    client.force_login(make_user(Role.TRAVAILLEUR_SOCIAL))

    response = client.post(url, data)

    assert response.status_code == 403
    assert Person.objects.filter(first_name="Jeanne").count() == 1


def test_beat_purges_the_tokens_daily(settings, world):
    from ceis.tasks import submissions_purge_task

    entry = settings.CELERY_BEAT_SCHEDULE["submissions-purge"]
    assert (entry["task"], entry["schedule"]) == ("ceis.tasks.submissions_purge_task", 86400)
    old = FormSubmission.objects.create(token=uuid.uuid4(), user=world.referent, path="/a/")
    FormSubmission.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=3)
    )

    assert submissions_purge_task.delay().get() == 1
    assert not FormSubmission.objects.exists()


def test_old_tokens_are_purged(world):
    now = timezone.now()
    old = FormSubmission.objects.create(token=uuid.uuid4(), user=world.referent, path="/a/")
    FormSubmission.objects.filter(pk=old.pk).update(created_at=now - datetime.timedelta(days=3))
    recent = FormSubmission.objects.create(token=uuid.uuid4(), user=world.referent, path="/b/")

    assert submissions_purge(now=now) == 1

    assert list(FormSubmission.objects.values_list("pk", flat=True)) == [recent.pk]


# Confirmations of an upload (France Travail list, data package): sent twice, imported once.

REFERRALS = (
    "Nom;Prénom;Date de naissance;Conseiller;Date d'orientation\n"
    "Dupont;Marie;12/03/1985;M. Roux;02/02/2026\n"
    "Lefèvre;Éloïse;01/07/1990;Mme Sol;03/02/2026\n"
)


def _file(content: bytes, name: str):
    upload = io.BytesIO(content)
    upload.name = name
    return upload


def _sent_twice(client, url, data):
    first, second = client.post(url, data), client.post(url, data)
    assert first.status_code == second.status_code == 302
    assert second["Location"] == first["Location"]
    return second


@pytest.fixture
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_a_referral_list_confirmed_twice_enrolls_once(client, world, media):
    client.force_login(world.referent)
    url = reverse("unisvers:referral_import", args=[world.cohort.public_id])
    preview = client.post(url, {"action": "preview", "file": _file(REFERRALS.encode(), "l.csv")})
    data = form_data(_html(preview), action="", overrides={"entry_date": "2026-03-02"})
    before = Enrollment.objects.count()

    second = _sent_twice(client, url, data)

    assert Enrollment.objects.count() == before + 2
    assert ALREADY_DONE.replace("'", "&#x27;") in _html(client.get(second["Location"]))


def test_a_background_import_confirmed_twice_runs_once(
    client, world, media, settings, django_capture_on_commit_callbacks
):
    settings.CEIS_IMPORT_ASYNC_ROWS = 1  # two rows: a background job
    client.force_login(world.referent)
    url = reverse("unisvers:referral_import", args=[world.cohort.public_id])
    with django_capture_on_commit_callbacks(execute=True):
        job_url = client.post(
            url, {"action": "preview", "file": _file(REFERRALS.encode(), "l.csv")}
        )["Location"]
    job = ImportJob.objects.get()
    action = reverse("imports:confirm", args=[job.public_id])
    data = form_data(
        _html(client.get(job_url)), action=action, overrides={"entry_date": "2026-03-02"}
    )
    before = Enrollment.objects.count()

    with django_capture_on_commit_callbacks(execute=True):
        _sent_twice(client, action, data)

    assert ImportJob.objects.filter(step=ImportStep.APPLY).count() == 1
    assert Enrollment.objects.count() == before + 2


def test_a_data_package_confirmed_twice_is_imported_once(client_for, tmp_path, media):
    client = client_for(Role.ADMIN)
    source = write(tmp_path / "src", package())
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for file in source.iterdir():
            archive.write(file, file.name)
    report = client.post(reverse("package:upload"), {"package": _file(buffer.getvalue(), "p.zip")})
    action = reverse("package:confirm")
    data = form_data(_html(report), action=action)
    before = Person.objects.count()

    second = _sent_twice(client, action, data)

    assert ALREADY_DONE.replace("'", "&#x27;") in _html(client.get(second["Location"]))
    assert Person.objects.count() == before + 4
    assert JournalEntry.objects.filter(object_type="ceis.package", action="create").count() == 1


def _single_submission_urls(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            namespace = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            yield from _single_submission_urls(pattern.url_patterns, namespace)
        elif getattr(pattern.callback, "single_submission", False):
            yield f"{prefix}{pattern.name}"


# Create forms tested in their own files, outside `CREATE_FORMS`.
TESTED_ELSEWHERE = {
    "staff:create": "ceis/tests/test_staff.py",
    "unisvers:referral_import": "test_a_referral_list_confirmed_twice_enrolls_once",
    "imports:confirm": "test_a_background_import_confirmed_twice_runs_once",
    "package:confirm": "test_a_data_package_confirmed_twice_is_imported_once",
    "documents:upload": "documents/tests/test_documents.py",
}


def test_every_single_submission_view_is_a_tested_create_form(world):
    """The list of create forms above is the list of views wrapped in `single_submission`."""
    wrapped = set(_single_submission_urls(get_resolver().url_patterns))
    tested = set(TESTED_ELSEWHERE)
    for make_case in CREATE_FORMS.values():
        case = make_case(world)
        tested.add(resolve(urlsplit(case.action or case.page).path).view_name)
    assert wrapped == tested
