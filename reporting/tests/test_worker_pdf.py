"""A bilan PDF requested through the web is built by a real worker from the broker."""

import time

import pytest
from django.urls import reverse

from ceis.choices import Role
from reporting.choices import JobStatus
from reporting.models import BilanDocument, BilanVersion


@pytest.mark.worker
def test_a_pdf_requested_on_the_page_is_built_by_the_worker(live_worker, client_for, site):
    client = client_for(Role.MANAGER)
    client.post(reverse("reporting:document_create"), {"preset": "last_year", "site": site.pk})
    document = BilanDocument.objects.get()
    client.post(reverse("reporting:generate", args=[document.public_id]))

    version = BilanVersion.objects.get()
    deadline = time.monotonic() + 60
    while version.status in (JobStatus.PENDING, JobStatus.RUNNING) and time.monotonic() < deadline:
        time.sleep(0.3)
        version.refresh_from_db()
    assert version.status == JobStatus.READY, version.error
    assert version.pdf.read(4) == b"%PDF"
    page = client.get(document.get_absolute_url()).content.decode()
    assert "Télécharger le PDF" in page
