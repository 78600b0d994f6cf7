"""Figures in a bilan's texts are references bound to each version's snapshot (issue #18): the
PDF's texts never contradict its call-outs, nothing typed is lost on "Générer le PDF", and a
published version is frozen."""

import datetime
import io
import re

import pytest
from django.db import transaction
from django.db.models.deletion import ProtectedError
from django.urls import reverse
from pypdf import PdfReader

from ceis.choices import Role
from reporting.choices import JobStatus
from reporting.indicators import compute_bilan
from reporting.models import BilanDocument, BilanVersion
from reporting.services import bilan_document_create
from reporting.texts import (
    REFERENCES,
    frozen_numbers,
    prefill_texts,
    render_text,
    render_text_html,
    unknown_references,
)
from unisvers.tests.factories import EnrollmentFactory

YEAR_FROM, YEAR_TO = datetime.date(2019, 1, 1), datetime.date(2019, 12, 31)
NNBSP, NBSP = "\u202f", "\u00a0"


def _bilan(**unisvers):
    """A bilan shaped as compute_bilan's, with a few values set."""
    bilan = compute_bilan(date_from=YEAR_FROM, date_to=YEAR_TO)
    bilan["unisvers"].update(unisvers)
    return bilan


def _pdf_text(content: bytes) -> str:
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return _flat(text)


def _flat(text: str) -> str:
    """Spaces as a reader sees them: line breaks, no-break and narrow spaces are one space."""
    return re.sub(r"[\s\u00a0\u202f]+", " ", text).strip()


def _enrol(site, count, *, start=datetime.date(2019, 3, 4), outcome=None):
    enrollments = EnrollmentFactory.create_batch(
        count,
        cohort__site=site,
        cohort__start_date=start,
        cohort__end_date=start + datetime.timedelta(days=40),
    )
    for enrollment in enrollments if outcome else ():
        enrollment.exit_date = start + datetime.timedelta(days=40)
        enrollment.exit_outcome = outcome
        enrollment.save()
    return enrollments


@pytest.fixture
def manager_client(client_for, site):
    return client_for(Role.MANAGER, sites=[site])


@pytest.fixture
def document(manager_client, site):
    _enrol(site, 3, outcome="emploi_durable")
    return bilan_document_create(
        user=manager_client.user, date_from=YEAR_FROM, date_to=YEAR_TO, site=site
    )


def _form(document, **changes):
    data = {
        "title": document.title,
        "publication_date": document.publication_date.isoformat(),
        "introduction": document.introduction,
        "unisvers_text": document.unisvers_text,
        "villages_text": document.villages_text,
        "contact": document.contact,
    }
    data.update(changes)
    return data


# --- the references -------------------------------------------------------------------------


@pytest.mark.django_db
def test_references_print_french_figures_from_the_bilan():
    bilan = _bilan(
        participants=1532,
        positive_exit_rate={"n": 96, "of": 110, "rate": 0.8727},
        outcomes={**compute_bilan(date_from=YEAR_FROM, date_to=YEAR_TO)["unisvers"]["outcomes"]},
    )
    bilan["unisvers"]["outcomes"]["formation"] = 12
    bilan["unisvers"]["confidence"] = {
        "assessed": 8,
        "mean_entry": 4.25,
        "mean_exit": 7.0,
        "improved_rate": {"n": 6, "of": 8, "rate": 0.75},
    }
    text = (
        "[[unisvers.participants]] personnes, [[unisvers.positive_exit_rate]] "
        "([[unisvers.positive_exit_rate.n]] sur [[unisvers.positive_exit_rate.of]]), "
        "[[ unisvers.outcomes.formation ]] en formation, confiance [[unisvers.confidence.mean_entry]]"
        " puis [[unisvers.confidence.mean_exit]], [[unisvers.confidence.improved_rate]]."
    )
    assert render_text(text, bilan) == (
        f"1{NNBSP}532 personnes, 87{NBSP}% (96 sur 110), 12 en formation, confiance 4,25 puis 7, "
        f"75{NBSP}%."
    )


@pytest.mark.django_db
def test_references_apply_the_publication_rule():
    bilan = _bilan(domestic_violence_rate={"n": 3, "of": 40, "rate": 0.075})
    # Two small reasons (2 and 3): no subtraction from the dropouts gives either back.
    bilan["unisvers"]["dropout_reasons"]["sante"] = 2
    bilan["unisvers"]["dropout_reasons"]["mobilite"] = 3
    text = (
        "[[unisvers.domestic_violence_rate]] / [[unisvers.domestic_violence_rate.n]] / "
        "[[unisvers.dropout_reasons.sante]]"
    )
    assert render_text(text, bilan) == "moins de 5 personnes / moins de 5 / moins de 5"


@pytest.mark.django_db
def test_a_rate_without_denominator_prints_a_dash_and_an_old_text_prints_as_written():
    bilan = _bilan(dropout_rate={"n": 0, "of": 0, "rate": None})
    assert render_text("[[unisvers.dropout_rate]] d'abandons", bilan) == "— d'abandons"
    old = "En une année, 125 demandeurs d'emploi ont intégré le programme."
    assert render_text(old, bilan) == old
    assert frozen_numbers(old) == ["125"]
    assert frozen_numbers("En 2019, 94 % et 1 532 passages, [[unisvers.participants]]") == [
        "94 %",
        "1 532",
    ]


def test_unknown_references_are_named_as_typed():
    text = "[[unisvers.participant]] et [[villages.people]] et [[ villages.nope ]] puis [[ouvert"
    assert unknown_references(text) == [
        "[[unisvers.participant]]",
        "[[ villages.nope ]]",
        "[[ouvert",
    ]
    assert (
        unknown_references("[[unisvers.positive_exit_rate]] [[villages.skills.illectronisme]]")
        == []
    )


@pytest.mark.django_db
def test_the_preview_highlights_figures_and_escapes_the_text():
    bilan = _bilan(participants=12)
    html = render_text_html("<b>[[unisvers.participants]]</b> [[unisvers.nope]]", bilan)
    assert html == (
        '&lt;b&gt;<mark class="ceis-ref" title="Personnes accompagnées">12</mark>&lt;/b&gt; '
        '<mark class="ceis-ref ceis-ref-unknown" title="Référence inconnue">'
        "[[unisvers.nope]]</mark>"
    )


@pytest.mark.django_db
def test_the_prefilled_texts_hold_only_known_references_and_no_number():
    texts = prefill_texts(compute_bilan(date_from=YEAR_FROM, date_to=YEAR_TO))
    for name in ("introduction", "unisvers", "villages"):
        assert unknown_references(texts[name]) == []
        assert frozen_numbers(texts[name]) == []
    assert "[[villages.people]] personnes ont été accompagnées" in texts["villages"]


# --- the editor -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_unknown_reference_is_refused_in_french_and_what_was_typed_is_kept(
    manager_client, document
):
    typed = "Cette année, [[unisvers.participant]] personnes."
    contact = "Service presse : 05 56 00 00 00"
    response = manager_client.post(
        document.get_absolute_url(),
        _form(document, unisvers_text=typed, contact=contact, action="generer"),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert (
        "La référence « [[unisvers.participant]] » ne correspond à aucun chiffre du bilan" in page
    )
    assert "Cette année, [[unisvers.participant]] personnes." in page
    assert contact in page
    document.refresh_from_db()
    assert document.unisvers_text != typed
    assert not BilanVersion.objects.exists()


@pytest.mark.django_db
def test_generate_saves_the_form_first_so_an_unsaved_contact_is_not_lost(
    manager_client, document, django_capture_on_commit_callbacks
):
    edited = "Au total [[unisvers.participants]] participants, dont [[unisvers.exits]] sortis."
    contact = "Presse : Mme Martin, 05 56 00 00 00"
    with django_capture_on_commit_callbacks(execute=True):
        response = manager_client.post(
            document.get_absolute_url(),
            _form(document, unisvers_text=edited, contact=contact, action="generer"),
        )
    assert response.status_code == 302
    document.refresh_from_db()
    # A text edited by hand keeps its references.
    assert (document.unisvers_text, document.contact) == (edited, contact)
    version = BilanVersion.objects.get()
    assert version.status == JobStatus.READY
    assert (version.texts["unisvers"], version.texts["contact"]) == (edited, contact)
    text = _pdf_text(version.pdf.read())
    assert "Au total 3 participants, dont 3 sortis." in text
    assert "Presse : Mme Martin, 05 56 00 00 00" in text


@pytest.mark.django_db
def test_save_alone_queues_nothing(manager_client, document):
    response = manager_client.post(
        document.get_absolute_url(), _form(document, contact="Presse", action="enregistrer")
    )
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.contact == "Presse"
    assert not BilanVersion.objects.exists()


@pytest.mark.django_db
def test_the_editor_lists_the_references_with_the_values_the_next_version_will_print(
    manager_client, document, site
):
    page = manager_client.get(document.get_absolute_url()).content.decode()
    assert 'data-reference="unisvers.participants"' in page
    assert "Personnes accompagnées : <strong>3</strong>" in page
    assert 'data-reference="unisvers.outcomes.emploi_durable"' in page
    assert "Aperçu avec les chiffres de la prochaine version" in page


# --- the consistency of a generated PDF -----------------------------------------------------


@pytest.mark.django_db
def test_every_figure_of_the_pdf_text_is_the_snapshot_after_data_changed_since_preparing(
    manager_client, document, site, django_capture_on_commit_callbacks
):
    prepared = compute_bilan(date_from=YEAR_FROM, date_to=YEAR_TO, site=site)
    assert prepared["unisvers"]["participants"] == 3
    # Between preparing and generating, two more people join and one more leaves with a job.
    _enrol(site, 2, start=datetime.date(2019, 9, 2))
    _enrol(site, 1, start=datetime.date(2019, 10, 7), outcome="formation")

    with django_capture_on_commit_callbacks(execute=True):
        manager_client.post(document.get_absolute_url(), _form(document, action="generer"))
    version = BilanVersion.objects.get()
    snapshot = version.indicators
    assert snapshot["unisvers"]["participants"] == 6
    text = _pdf_text(version.pdf.read())

    for name in ("unisvers", "villages"):
        written = version.texts[name]
        for sentence in re.split(r"(?<=\.) ", written):
            references = re.findall(r"\[\[(.*?)\]\]", sentence)
            printed = _flat(render_text(sentence, snapshot))
            assert printed in text, sentence
            # Each figure of the sentence is the snapshot's, and no other number is there.
            figures = [_flat(REFERENCES[key].value(snapshot)) for key in references]
            numbers = re.findall(r"\d+(?: \d{3})*(?: %)?", printed)
            assert numbers == [f for f in figures if re.match(r"\d", f)], sentence
    assert "En une année, 6 demandeurs d'emploi ont intégré le programme." in text
    assert "En une année, 3 demandeurs" not in text
    # The call-outs read the same snapshot: 4 positive exits of 4 completers, 6 participants.
    assert "6 demandeurs d'emploi ont intégré le programme" in text
    assert "100 % des participants allés au bout de l'action en sortent" in text


@pytest.mark.django_db
def test_a_version_prints_the_texts_it_was_requested_with(manager_client, document, site):
    version = BilanVersion.objects.create(
        document=document, number=1, texts=document.texts_snapshot()
    )
    BilanDocument.objects.filter(pk=document.pk).update(
        unisvers_text="Texte modifié pendant que la version attendait."
    )
    from reporting.services import bilan_version_generate

    bilan_version_generate(version_id=version.pk)
    version.refresh_from_db()
    text = _pdf_text(version.pdf.read())
    assert "Texte modifié pendant" not in text
    assert "3 demandeurs d'emploi ont intégré le programme." in text


# --- published versions ---------------------------------------------------------------------


@pytest.fixture
def ready_version(manager_client, document, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        manager_client.post(reverse("reporting:generate", args=[document.public_id]))
    return BilanVersion.objects.get(number=1)


@pytest.mark.django_db
def test_a_manager_publishes_a_ready_version_after_a_confirmation(manager_client, ready_version):
    url = reverse("reporting:version_publish", args=[ready_version.public_id])
    confirmation = manager_client.get(url).content.decode()
    assert "Marquer la version 1 comme publiée ?" in confirmation
    ready_version.refresh_from_db()
    assert not ready_version.is_published

    response = manager_client.post(url)
    assert response.status_code == 302
    ready_version.refresh_from_db()
    assert ready_version.is_published
    assert ready_version.published_by == manager_client.user
    page = manager_client.get(ready_version.document.get_absolute_url()).content.decode()
    assert "Publiée" in page
    assert "Données ouvertes (CSV et schéma)" in page
    assert "est figée : ses textes, ses chiffres et son PDF ne changent plus" in page


@pytest.mark.django_db
def test_a_version_not_ready_cannot_be_published(manager_client, document):
    version = BilanVersion.objects.create(document=document, number=1)
    response = manager_client.post(reverse("reporting:version_publish", args=[version.public_id]))
    assert response.status_code == 302
    version.refresh_from_db()
    assert not version.is_published


@pytest.mark.django_db
def test_a_published_version_is_frozen_and_superseded_by_a_newer_one(
    manager_client, ready_version, django_capture_on_commit_callbacks
):
    manager_client.post(reverse("reporting:version_publish", args=[ready_version.public_id]))
    document = ready_version.document
    frozen_texts, frozen_pdf = ready_version.texts, ready_version.pdf.name

    with django_capture_on_commit_callbacks(execute=True):
        manager_client.post(
            document.get_absolute_url(),
            _form(document, unisvers_text="Nouveau : [[unisvers.participants]].", action="generer"),
        )
    ready_version.refresh_from_db()
    assert (ready_version.texts, ready_version.pdf.name) == (frozen_texts, frozen_pdf)
    newer = BilanVersion.objects.get(number=2)
    assert newer.texts["unisvers"] == "Nouveau : [[unisvers.participants]]."
    # Publishing again changes nothing.
    before = ready_version.published_at
    manager_client.post(reverse("reporting:version_publish", args=[ready_version.public_id]))
    ready_version.refresh_from_db()
    assert ready_version.published_at == before


@pytest.mark.django_db
def test_a_published_version_cannot_be_deleted_alone_or_with_its_bilan(
    manager_client, ready_version
):
    manager_client.post(reverse("reporting:version_publish", args=[ready_version.public_id]))
    ready_version.refresh_from_db()
    attempts = [
        ready_version.delete,
        ready_version.document.delete,
        BilanDocument.objects.all().delete,
    ]
    for attempt in attempts:
        # Each in its own transaction, as a request would be (the refusal rolls it back).
        with pytest.raises(ProtectedError), transaction.atomic():
            attempt()
    assert BilanVersion.objects.filter(pk=ready_version.pk).exists()


@pytest.mark.django_db
def test_an_unpublished_version_can_still_be_deleted(ready_version):
    ready_version.document.delete()
    assert not BilanVersion.objects.exists()


@pytest.mark.django_db
def test_the_demo_bilan_writes_its_figures_as_references(make_user, site):
    """`make run`'s demo bilan: every figure of its texts is a known reference, so that its PDF
    prints the same figures as its call-outs."""
    from reporting import demo

    _enrol(site, 2, outcome="formation")
    demo.seed(core={"users": {Role.MANAGER: make_user(Role.MANAGER)}}, stdout=io.StringIO())
    document = BilanDocument.objects.get()
    for name in ("introduction", "unisvers_text", "villages_text"):
        text = getattr(document, name)
        assert unknown_references(text) == [], name
        assert frozen_numbers(text) == [], name
    assert "[[unisvers.participants]]" in document.unisvers_text


@pytest.mark.django_db
def test_the_editors_queries_do_not_grow_with_its_versions(
    manager_client, document, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert manager_client.get(document.get_absolute_url()).status_code == 200
        return len(queries)

    BilanVersion.objects.create(document=document, number=1, texts=document.texts_snapshot())
    count()  # the first view asks the worker for the figures of the preview
    one = count()
    assert one <= 35
    for number in (2, 3, 4):
        BilanVersion.objects.create(document=document, number=number)
    with django_assert_num_queries(one):
        manager_client.get(document.get_absolute_url())


@pytest.mark.django_db
def test_a_compared_version_prints_the_change_over_a_year_from_its_one_snapshot(
    manager_client, document, site, django_capture_on_commit_callbacks
):
    """Ticked « comparer », the version keeps the previous year in its snapshot and the PDF says
    « UN AN APRÈS » and each headline figure's change; unticked, it says neither."""
    _enrol(site, 2, start=datetime.date(2018, 3, 5), outcome="emploi_durable")  # 2018: 2, 2019: 3
    with django_capture_on_commit_callbacks(execute=True):
        manager_client.post(document.get_absolute_url(), _form(document, action="generer"))
        manager_client.post(
            document.get_absolute_url(), _form(document, compare="on", action="generer")
        )
    plain, compared = BilanVersion.objects.order_by("pk")
    assert "previous" not in plain.indicators
    assert compared.indicators["previous"]["period"] == {"from": "2018-01-01", "to": "2018-12-31"}
    assert compared.indicators["previous"]["unisvers"]["participants"] == 2
    assert compared.indicators["unisvers"]["participants"] == 3
    plain_text, compared_text = _pdf_text(plain.pdf.read()), _pdf_text(compared.pdf.read())
    assert "sur un an" not in plain_text and "UN AN APRÈS" not in plain_text
    assert "UN AN APRÈS" in compared_text
    assert "(+50 % sur un an)" in compared_text  # 3 participants against 2
