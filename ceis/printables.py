"""Printables (PDF, WeasyPrint) shared by the programmes: attendance sheets and a participant's
path summary (domain.md, "Printables").

A printable is a template whose style is in the page (`templates/printables/base.html`):
WeasyPrint may fetch nothing, no file and no network (security.md rows 16 and 26), as for the
convocation. WeasyPrint is imported when a PDF is rendered, not when a view module is loaded.
"""

from django.http import HttpResponse
from django.template.loader import render_to_string


def render_pdf(template: str, context: dict) -> bytes:
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    class NothingFetcher(URLFetcher):
        """Fetches nothing: a printable needs no image, font or style from outside."""

        def fetch(self, url, headers=None):
            raise ValueError(f"Adresse refusée dans un document à imprimer : {url}")

    html = render_to_string(template, context)
    return HTML(string=html, url_fetcher=NothingFetcher()).write_pdf()


def pdf_response(pdf: bytes, file_name: str) -> HttpResponse:
    """A PDF to download, never kept by a cache (it names people)."""
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{file_name}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response
