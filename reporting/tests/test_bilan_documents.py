"""Bilan documents and their PDF versions: texts, jobs, reliability, downloads, permissions."""

import datetime
import io
from unittest import mock

import pytest
from django.urls import reverse
from pypdf import PdfReader

from ceis.choices import JournalAction, Role
from ceis.models import JournalEntry
from reporting.choices import JobStatus
from reporting.indicators import compute_bilan
from reporting.models import BilanDocument, BilanVersion
from reporting.pdf import StaticOnlyURLFetcher, render_bilan_pdf
from reporting.services import bilan_document_create, bilan_version_generate
from unisvers.tests import factories as unisvers_factories
from unisvers.tests.factories import EnrollmentFactory

YEAR_FROM, YEAR_TO = datetime.date(2019, 1, 1), datetime.date(2019, 12, 31)


def _pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return " ".join(page.extract_text() for page in reader.pages)


@pytest.fixture
def manager_client(client_for, site, other_site):
    return client_for(Role.MANAGER, sites=[site, other_site])


@pytest.fixture
def year_data(site):
    """Three participants of 2019 on the main site, one of whom left with a job."""
    enrollments = EnrollmentFactory.create_batch(
        3,
        cohort__site=site,
        cohort__start_date=datetime.date(2019, 3, 4),
        cohort__end_date=datetime.date(2019, 4, 12),
    )
    first = enrollments[0]
    first.exit_date = datetime.date(2019, 4, 12)
    first.exit_outcome = "emploi_durable"
    first.save()
    return enrollments


@pytest.mark.django_db
def test_a_new_bilan_is_prefilled_with_sentences_from_the_figures(manager_client, site, year_data):
    response = manager_client.post(
        reverse("reporting:document_create"),
        {"preset": "custom", "date_from": "2019-01-01", "date_to": "2019-12-31", "site": site.pk},
    )
    document = BilanDocument.objects.get()
    assert response["Location"] == document.get_absolute_url()
    # The texts hold figure references, not numbers: each version prints its own figures.
    assert document.unisvers_text.startswith(
        "En une année, [[unisvers.participants]] demandeurs d'emploi ont intégré le programme."
    )
    assert (
        "[[unisvers.positive_exit_rate_completers]] des participants allés au bout de l'action"
        in document.unisvers_text
    )
    page = manager_client.get(document.get_absolute_url()).content.decode()
    assert 'En une année, <mark class="ceis-ref" title="Personnes accompagnées">3</mark>' in page
    assert (
        '<mark class="ceis-ref" title="Taux de sorties positives des parcours menés à terme">100\u00a0%</mark>'
        in page
    )
    assert "Enregistrer et générer le PDF" in page


@pytest.mark.django_db
def test_a_period_that_ends_before_it_starts_is_refused_and_kept(manager_client):
    response = manager_client.post(
        reverse("reporting:document_create"),
        {"preset": "custom", "date_from": "2019-12-31", "date_to": "2019-01-01"},
    )
    page = response.content.decode()
    assert "La fin de la période précède son début." in page
    assert 'value="2019-12-31"' in page
    assert BilanDocument.objects.count() == 0


@pytest.mark.django_db
def test_generate_records_a_version_then_the_task_builds_a_pdf_with_the_figures(
    manager_client, site, year_data, django_capture_on_commit_callbacks
):
    document = bilan_document_create(
        user=manager_client.user, date_from=YEAR_FROM, date_to=YEAR_TO, site=site
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = manager_client.post(reverse("reporting:generate", args=[document.public_id]))
    assert response.status_code == 302
    version = BilanVersion.objects.get()
    assert (version.number, version.status, version.attempts) == (1, JobStatus.READY, 1)
    assert version.indicators["unisvers"]["participants"] == 3
    assert version.indicators == {
        **compute_bilan(date_from=YEAR_FROM, date_to=YEAR_TO, site=site),
        "generated_at": version.indicators["generated_at"],
    }
    download = manager_client.get(reverse("reporting:version_download", args=[version.public_id]))
    content = b"".join(download.streaming_content)
    assert content.startswith(b"%PDF")
    text = _pdf_text(content)
    assert "POINT SUR LES DISPOSITIFS" in text
    assert "demandeurs d'emploi ont intégré le programme" in text
    assert "100 %" in text
    assert JournalEntry.objects.filter(
        action=JournalAction.DOWNLOAD, object_ref=str(version.public_id)
    ).exists()


@pytest.mark.django_db
def test_regenerate_creates_a_new_version_and_keeps_the_old_figures(
    manager_client, site, year_data, django_capture_on_commit_callbacks
):
    document = bilan_document_create(
        user=manager_client.user, date_from=YEAR_FROM, date_to=YEAR_TO, site=site
    )
    url = reverse("reporting:generate", args=[document.public_id])
    with django_capture_on_commit_callbacks(execute=True):
        manager_client.post(url)
    EnrollmentFactory(
        cohort__site=site,
        cohort__start_date=datetime.date(2019, 9, 2),
        cohort__end_date=datetime.date(2019, 10, 11),
    )
    with django_capture_on_commit_callbacks(execute=True):
        manager_client.post(url)
    first, second = BilanVersion.objects.order_by("number")
    assert (first.number, second.number) == (1, 2)
    assert first.indicators["unisvers"]["participants"] == 3
    assert second.indicators["unisvers"]["participants"] == 4


@pytest.mark.django_db
def test_running_the_task_twice_yields_one_document(manager_client, site, year_data):
    document = bilan_document_create(
        user=manager_client.user, date_from=YEAR_FROM, date_to=YEAR_TO, site=site
    )
    version = BilanVersion.objects.create(document=document, number=1)
    first = bilan_version_generate(version_id=version.pk)
    name = first.pdf.name
    with mock.patch("reporting.pdf.render_bilan_pdf") as render:
        second = bilan_version_generate(version_id=version.pk)
    render.assert_not_called()
    assert second.pdf.name == name
    assert (second.attempts, BilanVersion.objects.count()) == (1, 1)


@pytest.mark.django_db
def test_broker_down_the_page_answers_and_the_version_waits(
    manager_client, site, django_capture_on_commit_callbacks
):
    document = bilan_document_create(
        user=manager_client.user, date_from=YEAR_FROM, date_to=YEAR_TO, site=site
    )
    with (
        mock.patch(
            "reporting.tasks.generate_bilan_pdf.apply_async",
            side_effect=OSError("Connection refused"),
        ),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = manager_client.post(reverse("reporting:generate", args=[document.public_id]))
    assert response.status_code == 302
    version = BilanVersion.objects.get()
    assert version.status == JobStatus.PENDING
    page = manager_client.get(document.get_absolute_url()).content.decode()
    assert "En attente" in page
    assert "Relancer" in page
    assert "every 2s" in page


@pytest.mark.django_db
def test_a_failed_version_keeps_its_error_and_can_be_retried(
    manager_client, site, year_data, django_capture_on_commit_callbacks
):
    document = bilan_document_create(
        user=manager_client.user, date_from=YEAR_FROM, date_to=YEAR_TO, site=site
    )
    # The callbacks run when the capture block closes, so `raises` must enclose it.
    with (
        mock.patch("reporting.pdf.render_bilan_pdf", side_effect=RuntimeError("police absente")),
        pytest.raises(RuntimeError),
        django_capture_on_commit_callbacks(execute=True),
    ):
        manager_client.post(reverse("reporting:generate", args=[document.public_id]))
    version = BilanVersion.objects.get()
    assert version.status == JobStatus.FAILED
    assert version.error == "RuntimeError: police absente"
    page = manager_client.get(document.get_absolute_url()).content.decode()
    assert "Erreur : RuntimeError: police absente" in page

    with django_capture_on_commit_callbacks(execute=True):
        manager_client.post(reverse("reporting:version_retry", args=[version.public_id]))
    version.refresh_from_db()
    assert (version.status, version.error, version.attempts) == (JobStatus.READY, "", 2)


@pytest.mark.django_db
def test_status_fragment_stops_polling_once_ready(manager_client, site, year_data):
    document = bilan_document_create(
        user=manager_client.user, date_from=YEAR_FROM, date_to=YEAR_TO, site=site
    )
    version = BilanVersion.objects.create(document=document, number=1)
    url = reverse("reporting:version_status", args=[version.public_id])
    waiting = manager_client.get(url).content.decode()
    assert "En attente" in waiting and "every 2s" in waiting
    bilan_version_generate(version_id=version.pk)
    ready = manager_client.get(url).content.decode()
    assert "Prêt" in ready and "every 2s" not in ready
    assert "Télécharger le PDF" in ready


@pytest.mark.django_db
def test_only_consented_testimonials_are_offered_and_printed(manager_client, site, year_data):
    consented = unisvers_factories.TestimonialFactory(
        person=year_data[0].person, quote="On sait plein de choses.", publication_consent=True
    )
    unisvers_factories.TestimonialFactory(
        person=year_data[1].person, quote="Pas pour publication.", publication_consent=False
    )
    document = bilan_document_create(
        user=manager_client.user, date_from=YEAR_FROM, date_to=YEAR_TO, site=site
    )
    page = manager_client.get(document.get_absolute_url()).content.decode()
    assert "On sait plein de choses." in page
    assert "Pas pour publication." not in page
    data = {
        "title": document.title,
        "publication_date": "2019-07-05",
        "introduction": "Un an après.",
        "unisvers_text": document.unisvers_text,
        "villages_text": document.villages_text,
        "contact": "Contact presse",
        "testimonials": [consented.pk],
    }
    manager_client.post(document.get_absolute_url(), data)
    document.refresh_from_db()
    assert list(document.testimonials.all()) == [consented]
    content = render_bilan_pdf(
        compute_bilan(date_from=YEAR_FROM, date_to=YEAR_TO, site=site),
        document=document,
        testimonials=document.testimonials.all(),
    )
    text = _pdf_text(content)
    assert "VENDREDI 5 JUILLET 2019" in text
    assert "On sait plein de choses." in text


def test_weasyprint_reads_only_the_static_files(tmp_path):
    fetcher = StaticOnlyURLFetcher()
    with pytest.raises(ValueError):
        fetcher.fetch("file:///etc/passwd")
    with pytest.raises(ValueError):
        fetcher.fetch("http://127.0.0.1:9/secret.png")
    assert fetcher.fetch("data:text/plain,bonjour") is not None


@pytest.mark.django_db
def test_a_template_pointing_at_a_system_file_renders_without_it(settings, tmp_path):
    from weasyprint import HTML

    html = '<p>Avant</p><img src="file:///etc/passwd"><object data="file:///etc/passwd"></object>'
    pdf = HTML(string=html, base_url="/", url_fetcher=StaticOnlyURLFetcher()).write_pdf()
    text = _pdf_text(pdf)
    assert "Avant" in text
    assert "root:" not in text


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role", [Role.TRAVAILLEUR_SOCIAL, Role.MEDIATEUR_NUMERIQUE, Role.VOLONTAIRE]
)
def test_other_roles_are_refused_the_dashboard_and_bilans(client_for, role):
    client = client_for(role)
    for name in ("reporting:dashboard", "reporting:documents", "reporting:document_create"):
        assert client.get(reverse(name)).status_code == 403


@pytest.mark.django_db
def test_a_bilan_of_another_site_is_404(client_for, site, other_site):
    owner = client_for(Role.MANAGER, sites=[other_site])
    document = bilan_document_create(
        user=owner.user, date_from=YEAR_FROM, date_to=YEAR_TO, site=other_site
    )
    version = BilanVersion.objects.create(document=document, number=1)
    owner.logout()
    client = client_for(Role.MANAGER, sites=[site])
    assert client.get(document.get_absolute_url()).status_code == 404
    assert (
        client.get(reverse("reporting:version_status", args=[version.public_id])).status_code == 404
    )
    assert client.post(reverse("reporting:generate", args=[document.public_id])).status_code == 404
