"""WeasyPrint reads only the static files, whatever the case of the scheme or the `..` in the
path (security.md rows 16 and 26)."""

import io
from pathlib import Path

import pytest
from pypdf import PdfReader
from weasyprint import HTML

from reporting.pdf import StaticOnlyURLFetcher

SECRET = "SECRETHORSSTATIQUE"
ALLOWED = "FEUILLEAUTORISEE"


@pytest.fixture
def layout(settings, tmp_path):
    """A static folder with one allowed style sheet, and a secret style sheet next to it."""
    static = tmp_path / "site" / "static"
    (static / "css").mkdir(parents=True)
    (static / "css" / "allowed.css").write_text(f'p::after {{ content: "{ALLOWED}"; }}')
    (tmp_path / "secret.css").write_text(f'p::before {{ content: "{SECRET}"; }}')
    settings.STATICFILES_DIRS = [static]
    settings.STATIC_ROOT = None
    return static


def _pdf_text(html: str, base_url: str) -> str:
    pdf = HTML(string=html, base_url=base_url, url_fetcher=StaticOnlyURLFetcher()).write_pdf()
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_a_template_with_an_upper_case_scheme_or_dot_dot_renders_without_the_files(layout):
    secret = (layout.parent.parent / "secret.css").as_uri()
    html = (
        '<link rel="stylesheet" href="css/allowed.css">'
        f'<link rel="stylesheet" href="{secret.replace("file:", "FILE:")}">'
        '<link rel="stylesheet" href="static/../../../secret.css">'
        '<link rel="stylesheet" href="FILE:///etc/passwd">'
        '<img src="FILE:///etc/passwd"><img src="static/../../etc/passwd">'
        "<p>Avant</p>"
    )
    text = _pdf_text(html, base_url=layout.as_uri() + "/")
    assert "Avant" in text
    assert ALLOWED in text  # the fetcher still serves the static files
    assert SECRET not in text
    assert "root:" not in text


@pytest.mark.parametrize(
    "url",
    [
        "FILE:///etc/passwd",
        "File:///etc/passwd",
        "file://localhost/etc/passwd",
        "file://autre-machine{static}/css/allowed.css",
        "file://{static}/../../secret.css",
        "FILE://{static}/%2e%2e/%2E%2E/secret.css",
        "HTTP://127.0.0.1:9/secret.png",
        "ftp://127.0.0.1/secret.css",
    ],
)
def test_the_fetcher_refuses_what_is_outside_the_static_folder(layout, url):
    with pytest.raises(ValueError):
        StaticOnlyURLFetcher().fetch(url.format(static=layout))


def test_the_fetcher_reads_a_static_file_and_data_urls(layout):
    response = StaticOnlyURLFetcher().fetch((layout / "css" / "allowed.css").as_uri())
    assert ALLOWED in Path(response.url.removeprefix("file://")).read_text()
    assert StaticOnlyURLFetcher().fetch("DATA:text/plain,bonjour") is not None
