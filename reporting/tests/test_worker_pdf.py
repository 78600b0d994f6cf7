"""A bilan created through the web gets its texts from the figures a real worker computed (the
page waits for them), and its PDF is built by the worker from the broker."""

import time

import pytest
from django.urls import reverse

from ceis.choices import Role
from reporting.choices import JobStatus
from reporting.models import BilanDocument, BilanVersion
from reporting.tests.test_worker_dashboard import _get, _wait_for


@pytest.mark.worker
def test_a_pdf_requested_on_the_page_is_built_by_the_worker(live_worker, client_for, site):
    client = client_for(Role.MANAGER)
    client.post(reverse("reporting:document_create"), {"preset": "last_year", "site": site.pk})
    document = BilanDocument.objects.get()
    # The page polls while the worker computes the period's figures, then shows the editor
    # with the texts written from them.
    assert _wait_for(
        lambda: (
            "Enregistrer les textes" in client.get(document.get_absolute_url()).content.decode()
        ),
        seconds=60,
    )
    document.refresh_from_db()
    assert document.texts_pending_since is None
    assert "[[unisvers.participants]] demandeurs d'emploi" in document.unisvers_text
    client.post(reverse("reporting:generate", args=[document.public_id]))

    version = BilanVersion.objects.get()
    deadline = time.monotonic() + 60
    while version.status in (JobStatus.PENDING, JobStatus.RUNNING) and time.monotonic() < deadline:
        time.sleep(0.3)
        version.refresh_from_db()
    assert version.status == JobStatus.READY, version.error
    assert version.pdf.read(4) == b"%PDF"
    page = _get(client, document.get_absolute_url()).content.decode()
    assert "Télécharger le PDF" in page
