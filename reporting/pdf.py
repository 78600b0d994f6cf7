"""The press-style PDF bilan, rendered by WeasyPrint from `templates/reporting/pdf/bilan.html`.

WeasyPrint may read only `data:` URLs and files of the project's static folders
(security.md row 16): no network, no other file of the machine.
"""

import datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from . import charts
from .indicators.codes import OrientationsCode as O
from .indicators.codes import Programme, Section
from .indicators.codes import UnisversCode as U
from .indicators.definitions import definition, definitions_for_annex
from .indicators.publication import publish_count, published_rate
from .texts import prefill_texts, render_text


class StaticOnlyURLFetcher(URLFetcher):
    """Serves `data:` URLs and files below the static folders; refuses everything else.

    The scheme is compared case-insensitively (`FILE:` is `file:` to urllib) and the path is
    resolved (`..`, symbolic links, percent-encoding) before it is checked; the file opened is
    the resolved one, so what was checked is what is read (security.md rows 16 and 26).
    """

    def __init__(self, **kwargs):
        super().__init__(allowed_protocols={"file", "data"}, **kwargs)
        self.roots = [Path(root).resolve() for root in _static_roots()]

    def fetch(self, url, headers=None):
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme != "file":
            raise ValueError(f"Adresse refusée (seuls les fichiers statiques sont lus) : {url}")
        if parts.netloc not in ("", "localhost"):
            raise ValueError(f"Fichier d'une autre machine refusé : {url}")
        path = Path(unquote(parts.path)).resolve()
        if not any(path.is_relative_to(root) for root in self.roots):
            raise ValueError(f"Fichier hors des fichiers statiques refusé : {url}")
        return super().fetch(path.as_uri(), headers)


def _static_roots() -> list[Path]:
    roots = [Path(folder) for folder in settings.STATICFILES_DIRS]
    if settings.STATIC_ROOT:
        roots.append(Path(settings.STATIC_ROOT))
    return roots


def _static_base_url() -> str:
    """Relative URLs in the PDF template (fonts, logo) resolve inside `static/`."""
    css = finders.find("css/bilan-pdf.css")
    return Path(css).parent.parent.as_uri() + "/"


def render_bilan_html(bilan: dict, *, document=None, texts=None, testimonials=()) -> str:
    """The PDF's HTML, every figure read from `bilan`: the call-outs and charts, and the figure
    references of the texts. `texts` are a version's kept texts (`texts_snapshot()`); without
    them, the document's current ones, or without a document the prefilled draft."""
    if texts is None:
        texts = document.texts_snapshot() if document is not None else prefill_texts(bilan)
    publication_date = texts.get("publication_date") or timezone.localdate()
    if isinstance(publication_date, str):
        publication_date = datetime.date.fromisoformat(publication_date)
    contact = render_text(texts.get("contact", ""), bilan)
    texts = {
        name: render_text(texts.get(name, ""), bilan)
        for name in ("title", "introduction", "unisvers", "villages")
    }
    context = {
        "bilan": bilan,
        "unisvers": bilan[Programme.UNISVERS],
        "villages": bilan[Programme.VILLAGES],
        # Absent from a bilan stored before these sections existed: the PDF leaves them out.
        "appointments": bilan.get(Section.APPOINTMENTS),
        "orientations": bilan.get(Section.ORIENTATIONS),
        "orientation_categories": [
            {"label": label, "count": count}
            for code, label in definition(Section.ORIENTATIONS, O.BY_CATEGORY).code_labels().items()
            if (count := bilan[Section.ORIENTATIONS][O.BY_CATEGORY][code])
        ]
        if Section.ORIENTATIONS in bilan
        else [],
        "message_figures": bilan.get(Section.MESSAGES),
        "texts": texts,
        "document": document,
        "publication_date": publication_date,
        "site_name": document.site.name if document and document.site else None,
        "site_code": bilan.get("site"),
        "testimonials": list(testimonials),
        "charts": charts.bilan_charts(bilan),
        "annex": definitions_for_annex(),
        "dropout_reasons": {
            code: publish_count(count)
            for code, count in bilan[Programme.UNISVERS][U.DROPOUT_REASONS].items()
        },
        "domestic_violence": published_rate(
            Programme.UNISVERS,
            U.DOMESTIC_VIOLENCE_RATE,
            bilan[Programme.UNISVERS][U.DOMESTIC_VIOLENCE_RATE],
        ),
        "organisation": settings.CEIS_ORGANISATION_NAME,
        "contact": contact or settings.CEIS_PRESS_CONTACT,
    }
    return render_to_string("reporting/pdf/bilan.html", context)


def render_bilan_pdf(bilan: dict, *, document=None, texts=None, testimonials=()) -> bytes:
    html = render_bilan_html(bilan, document=document, texts=texts, testimonials=testimonials)
    return HTML(
        string=html, base_url=_static_base_url(), url_fetcher=StaticOnlyURLFetcher()
    ).write_pdf(pdf_variant="pdf/ua-1")
