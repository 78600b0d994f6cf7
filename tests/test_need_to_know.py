"""Field-level need-to-know (security.md row 3), generated from the URL configuration.

Every GET URL of the project, filled with the objects of the user's own site, is rendered for
each role (the participant's referent and a social worker who is not, the mediator, a
volunteer, a manager, an admin), as a page and as an htmx fragment; files are opened (XLSX cell
by cell, zips member by member). The participant of each site carries unique markers in the
fields need-to-know protects (security_world.Markers), and each marker may appear only where
`MAY_SEE` allows it:

- the follow-up note and the sensitive fields (domestic violence, health): the person's
  referents and admins;
- the rest of the Unis'Vers file (income, referring adviser, orientation): the social workers
  of the site and admins — never the manager (aggregates only), the mediator nor volunteers;
- a cohort's name (Unis'Vers data): social workers, managers, admins — never Vill@ges roles;
- the participant's name: every role that works with persons, never the manager;
- the rest of the person's file (phone, e-mail, address, France Travail identifier, education,
  professional status): the social workers, the mediator and admins — never volunteers, who see
  only last name, first name and birth year (security.md row 18), nor the manager;
- anything of another site: admins only (they work for every site);
- the bilan (dashboard, documents, JSON, XLSX): aggregates, no nominative marker for anyone.

`test_markers_are_shown_to_who_may_see_them` proves the markers do reach the pages of those who
may see them, so that an absence elsewhere means something.
"""

import io
import json
import re
import zipfile
from types import SimpleNamespace

import openpyxl
import pytest
from django.db import transaction
from django.urls import reverse
from pypdf import PdfReader
from pypdf.errors import PdfReadError

from ceis.choices import EducationLevel, ProfessionalStatus, Role
from ceis.tests.factories import SiteFactory
from tests.security_world import (
    MOVED_MARKERS,
    OWN_MARKERS,
    build_world,
    is_admin_url,
    remove_world_files,
    url_kwargs,
    walk_urls,
)

PERSON_FILE = (
    "phone",
    "email",
    "address",
    "france_travail_id",
    "education",
    "status",
    "birth_date",
)
MONTHS = "janvier février mars avril mai juin juillet août septembre octobre novembre décembre"
REFERENT = "referent"
TS = "ts_non_referent"
# Security.md row 17: referent of a cohort of their own where they enrolled the participant; a
# colleague the participant's enrollment was handed over to.
SELF_REFERENT = "ts_self_referent"
HANDED_OVER = "ts_handed_over"
MEDIATOR, VOLUNTEER, MANAGER, ADMIN = (
    Role.MEDIATEUR_NUMERIQUE.value,
    Role.VOLONTAIRE.value,
    Role.MANAGER.value,
    Role.ADMIN.value,
)
VIEWERS = (REFERENT, TS, SELF_REFERENT, HANDED_OVER, MEDIATOR, VOLUNTEER, MANAGER, ADMIN)
SOCIAL_WORKERS = {REFERENT, TS, SELF_REFERENT, HANDED_OVER}

# Who may see each kind of marker of the own site's participant.
MAY_SEE = {
    # A follow-up entry: the referents of the enrollment it was written in, the colleagues it
    # was handed over to, admins (row 17).
    "note": {REFERENT, HANDED_OVER, ADMIN},
    "orientation": {REFERENT, HANDED_OVER, ADMIN},
    # The self-made referent sees the labels of these fields for their own enrollment.
    "sensitive": {REFERENT, HANDED_OVER, SELF_REFERENT, ADMIN},
    "income": SOCIAL_WORKERS | {ADMIN},
    "adviser": SOCIAL_WORKERS | {ADMIN},
    "cohort": SOCIAL_WORKERS | {MANAGER, ADMIN},
    # The person's name: every role that works with persons, never the manager.
    "name": SOCIAL_WORKERS | {MEDIATOR, VOLUNTEER, ADMIN},
    # The rest of the person's file: never volunteers (row 18) nor the manager.
    **dict.fromkeys(PERSON_FILE, SOCIAL_WORKERS | {MEDIATOR, ADMIN}),
    # An appointment's place: the agents of the site and admins (the agendas), never the
    # manager nor volunteers.
    "place": SOCIAL_WORKERS | {MEDIATOR, ADMIN},
}
NOMINATIVE = {
    "note",
    "sensitive",
    "income",
    "adviser",
    "orientation",
    "name",
    "place",
    *PERSON_FILE,
}

# Pages whose query string chooses what they show: a search that finds the participant, the
# bilan of the user's site for this year.
SEARCH = {"q": "Participante"}
QUERY = {
    "persons:list": SEARCH,
    "persons:quick_search": SEARCH,
    "unisvers:enroll_search": SEARCH,
    "villages:help_person_search": SEARCH,
    "villages:session_person_search": {**SEARCH, "mode": "sur_place"},
    "villages:visit_counter": SEARCH,
    "reporting:dashboard": {"preset": "this_year"},
    "reporting:export_json": {"preset": "this_year"},
    "reporting:export_xlsx": {"preset": "this_year"},
}

URLS = walk_urls()
GET_NAMES = sorted(name for name in URLS if not is_admin_url(name) and name != "logout")


class _OutsideOptions:
    """A label searched outside the `<option>`s of forms: a choice offered is not a person's."""

    def __init__(self, label: str):
        self.pattern = re.compile(re.escape(label))

    def search(self, text: str):
        return self.pattern.search(re.sub(r"<option\b[^>]*>[^<]*</option>", "", text))


def _person_file_patterns(contact) -> dict[str, list]:
    if contact is None:
        return {}
    born = contact.birth_date
    phone = r"[\s.\u202f\xa0]?".join(
        contact.phone[i : i + 2] for i in range(0, len(contact.phone), 2)
    )
    return {
        "phone": [re.compile(rf"(?<![\w-]){phone}(?![\w-])")],
        "email": [re.compile(re.escape(contact.email), re.IGNORECASE)],
        "address": [
            re.compile(re.escape(contact.commune), re.IGNORECASE),
            # Neighbourhoods are offered in forms to everyone: a choice offered is not an address.
            _OutsideOptions(contact.neighbourhood),
        ],
        "france_travail_id": [re.compile(re.escape(contact.france_travail_id), re.IGNORECASE)],
        "education": [_OutsideOptions(EducationLevel(contact.education_level).label)],
        "status": [_OutsideOptions(ProfessionalStatus(contact.status).label)],
        # 19 juillet 1983, 19/07/1983, 1983-07-19: the day with the month (the year alone is not).
        "birth_date": [
            re.compile(rf"\b0?{born.day}(?:er)? {MONTHS.split()[born.month - 1]} {born.year}"),
            re.compile(rf"\b{born:%d}[/.]{born:%m}[/.]{born.year}\b"),
            re.compile(rf"\b{born.isoformat()}\b"),
        ],
    }


def _patterns(markers) -> dict[str, list[re.Pattern]]:
    income = str(markers.income)
    return {
        **_person_file_patterns(markers.contact),
        "note": [re.compile(re.escape(markers.note))],
        "orientation": [re.compile(re.escape(markers.orientation))],
        "adviser": [re.compile(re.escape(markers.adviser))],
        # 4871, 4 871 or 4 871 — never inside a UUID or a token.
        "income": [re.compile(rf"(?<![\w-]){income[0]}[\s\u202f\xa0.]?{income[1:]}(?![\w-])")],
        "cohort": [re.compile(re.escape(markers.cohort))],
        "name": [re.compile(re.escape(markers.name), re.IGNORECASE)],
        "place": [re.compile(re.escape(markers.place))] if markers.place else [],
        # The sensitive fields, as the participant page and the intake form render them.
        "sensitive": [
            re.compile(r"Violences conjugales</dt>"),
            re.compile(r"Problème de santé</dt>"),
            re.compile(r'name="domestic_violence"'),
            re.compile(r'name="health_problem"'),
        ],
    }


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """One world for the module, rolled back at its end; each test runs in a savepoint."""
    with django_db_blocker.unblock(), transaction.atomic():
        built = build_world(SiteFactory(code="CEIS"), SiteFactory(code="AUTRE"))
        yield built
        transaction.set_rollback(True)
    remove_world_files(built)


def _user(world, viewer):
    if viewer == REFERENT:
        return world.users[Role.TRAVAILLEUR_SOCIAL]
    if viewer == TS:
        return world.ts_not_referent
    if viewer in (SELF_REFERENT, HANDED_OVER):
        return getattr(world, viewer)
    return world.users[viewer]


def _xlsx_text(data: bytes) -> str:
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    return "\n".join(
        str(value)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    )


def _pdf_text(data: bytes) -> str:
    """The text of a PDF's pages (printables, convocations, hand-off sheets); the bytes alone
    for a file that is not a readable PDF (a stored placeholder)."""
    try:
        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    except (PdfReadError, ValueError, KeyError):
        return ""


def _file_text(name: str, data: bytes) -> str:
    if name.endswith(".xlsx"):
        return _xlsx_text(data)
    if data[:5] == b"%PDF-":
        return _pdf_text(data) + "\n" + data.decode("utf-8", errors="replace")
    if data[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "\n".join(
                f"== {member}\n" + _file_text(member, archive.read(member))
                for member in archive.namelist()
            )
    text = data.decode("utf-8", errors="replace")
    if name.endswith(".json"):
        # Decoded again so that an escaped character cannot hide a marker.
        text += json.dumps(json.loads(text), ensure_ascii=False)
    return text


def response_text(response) -> str:
    """Everything a response gives to read: HTML, JSON, every XLSX cell, every zip member."""
    data = b"".join(response.streaming_content) if response.streaming else response.content
    disposition = response.get("Content-Disposition", "")
    match = re.search(r'filename="([^"]+)"', disposition)
    return _file_text(match.group(1) if match else "", data)


def leaks(text: str, viewer: str, name: str) -> list[str]:
    """The markers in `text` that `viewer` may not see on the page `name`."""
    found = []
    for kind, patterns in _patterns(OWN_MARKERS).items():
        allowed = viewer in MAY_SEE[kind]
        if name.startswith("reporting:") and kind in NOMINATIVE:
            allowed = False
        if not allowed and any(p.search(text) for p in patterns):
            found.append(f"own {kind}")
    if viewer != ADMIN:
        from tests.security_world import MOVED_MARKERS, OTHER_MARKERS

        for kind, patterns in _patterns(OTHER_MARKERS).items():
            if kind != "sensitive" and any(p.search(text) for p in patterns):
                found.append(f"other site's {kind}")
        # A participant who moved here: what the other site wrote stays there (row 17).
        for kind in ("note", "orientation", "adviser", "income"):
            if any(p.search(text) for p in _patterns(MOVED_MARKERS)[kind]):
                found.append(f"moved participant's earlier {kind}")
    return found


@pytest.mark.django_db
@pytest.mark.parametrize("viewer", VIEWERS)
@pytest.mark.parametrize("name", GET_NAMES)
def test_no_page_shows_a_marker_to_who_may_not_see_it(client, world, name, viewer):
    client.force_login(_user(world, viewer))
    url = reverse(name, kwargs=url_kwargs(name, URLS[name], world.own))
    for headers in ({}, {"HX-Request": "true"}):
        response = client.get(url, QUERY.get(name, {}), headers=headers)
        assert response.status_code < 500
        text = response_text(response)
        assert not leaks(text, viewer, name), (
            headers,
            response.status_code,
            leaks(text, viewer, name),
        )


@pytest.mark.django_db
@pytest.mark.parametrize("viewer", VIEWERS)
@pytest.mark.parametrize(
    "name",
    [
        "unisvers:participant",
        "unisvers:followup_update",
        "unisvers:enrollment_update",
        "persons:detail",
        "persons:list",
        "unisvers:enroll_search",
    ],
)
def test_a_participant_who_moved_leaves_the_other_sites_entries_there(client, world, name, viewer):
    """The participant followed on the other site moved to the first one and was enrolled there
    (row 17): on their pages, the other site's notes, orientation texts and intake reach no one
    of the first site; only admins read them."""
    moved = world.moved
    objects = SimpleNamespace(
        person=moved.person,
        followup=moved.followup,
        enrollment=moved.before,
        cohort=world.own.cohort,
    )
    client.force_login(_user(world, viewer))
    url = reverse(name, kwargs=url_kwargs(name, URLS[name], objects))
    response = client.get(url, {"q": MOVED_MARKERS.name} if name in QUERY else {})
    assert response.status_code < 500
    text = response_text(response)
    assert not leaks(text, viewer, name), leaks(text, viewer, name)
    if name == "unisvers:participant" and response.status_code == 200:
        assert moved.person.last_name.upper() in text.upper()  # the page was read


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("viewer", "name", "shown", "hidden"),
    [
        (REFERENT, "unisvers:participant", MAY_SEE.keys() - {*PERSON_FILE, "place"}, []),
        (ADMIN, "unisvers:participant", MAY_SEE.keys() - {*PERSON_FILE, "place"}, []),
        (TS, "unisvers:participant", ["income", "adviser"], ["note", "orientation", "sensitive"]),
        (SELF_REFERENT, "unisvers:participant", ["income", "adviser"], ["note", "orientation"]),
        (HANDED_OVER, "unisvers:participant", MAY_SEE.keys() - {*PERSON_FILE, "place"}, []),
        (HANDED_OVER, "unisvers:followup_update", ["note"], []),
        (REFERENT, "unisvers:enrollment_update", ["income", "adviser", "sensitive"], []),
        (TS, "unisvers:enrollment_update", ["income", "adviser"], ["sensitive"]),
        (REFERENT, "unisvers:followup_update", ["note"], []),
        (MANAGER, "unisvers:cohort_list", ["cohort"], NOMINATIVE),
        (MANAGER, "unisvers:cohort_detail", ["cohort"], NOMINATIVE),
        (REFERENT, "unisvers:cohort_detail", ["cohort", "name"], []),
        (MEDIATOR, "persons:list", ["name"], NOMINATIVE - {"name", *PERSON_FILE}),
        (MEDIATOR, "persons:detail", PERSON_FILE, []),
        # Volunteers: the name, nothing else of the file (security.md row 18).
        (VOLUNTEER, "villages:session_checkin", ["name"], NOMINATIVE - {"name"}),
        (VOLUNTEER, "villages:session_person_search", ["name"], NOMINATIVE - {"name"}),
        (VOLUNTEER, "persons:quick_search", ["name"], NOMINATIVE - {"name"}),
        (ADMIN, "persons:export", NOMINATIVE - {"sensitive"}, []),
        # The appointment's page: the name and the place, for the agents of the site.
        (MEDIATOR, "appointments:update", ["name", "place"], ["note", "income", "adviser"]),
        (TS, "appointments:update", ["name", "place"], []),
        # Printables, read with pypdf: names on the attendance sheets, never the rest.
        (REFERENT, "unisvers:attendance_sheet", ["name", "cohort"], NOMINATIVE - {"name"}),
        (MEDIATOR, "villages:session_attendance_sheet", ["name"], NOMINATIVE - {"name"}),
        (VOLUNTEER, "villages:session_attendance_sheet", ["name"], NOMINATIVE - {"name"}),
        # The path summary, for the person: never the notes nor the intake's answers.
        (
            REFERENT,
            "unisvers:path_summary",
            ["name", "cohort"],
            ["note", "orientation", "sensitive", "income", "adviser", "place", *PERSON_FILE],
        ),
        # The orientation made from the follow-up entry: its note is the entry's (row 17).
        (REFERENT, "coordination:orientation_detail", ["orientation", "name"], []),
        (HANDED_OVER, "coordination:orientation_detail", ["orientation"], []),
    ],
)
def test_markers_are_shown_to_who_may_see_them(client, world, viewer, name, shown, hidden):
    client.force_login(_user(world, viewer))
    url = reverse(name, kwargs=url_kwargs(name, URLS[name], world.own))
    response = client.get(url, QUERY.get(name, {}))
    assert response.status_code == 200
    text = response_text(response)
    patterns = _patterns(OWN_MARKERS)
    for kind in shown:
        assert any(p.search(text) for p in patterns[kind]), f"{kind} absent for {viewer}"
    for kind in hidden:
        assert not any(p.search(text) for p in patterns[kind]), f"{kind} shown to {viewer}"


@pytest.mark.django_db
def test_right_of_access_export_holds_the_sensitive_answers(client, world):
    """The admin's export for the person holds the sensitive answers themselves (row 12)."""
    client.force_login(world.users[Role.ADMIN])
    url = reverse("persons:export", kwargs={"public_id": world.own.person.public_id})
    export = json.loads(b"".join([client.get(url).content]))
    text = json.dumps(export, ensure_ascii=False)
    assert OWN_MARKERS.note in text and OWN_MARKERS.adviser in text
    assert '"domestic_violence": true' in text and '"health_problem": true' in text


@pytest.mark.django_db
@pytest.mark.parametrize("include_notes", [False, True])
def test_data_package_holds_notes_only_when_ticked(client, world, include_notes):
    client.force_login(world.users[Role.ADMIN])
    data = {"include_notes": "1"} if include_notes else {}
    response = client.post(reverse("package:download"), data)
    assert response.status_code == 200
    text = response_text(response)
    assert "== " in text  # the archive was opened member by member
    assert (OWN_MARKERS.note in text) is include_notes
    assert OWN_MARKERS.adviser in text  # the rest of the file travels in the package


@pytest.mark.django_db
@pytest.mark.parametrize("viewer", [REFERENT, TS, MEDIATOR, VOLUNTEER, MANAGER])
def test_data_package_is_refused_to_every_other_role(client, world, viewer):
    client.force_login(_user(world, viewer))
    response = client.post(reverse("package:download"), {"include_notes": "1"})
    assert response.status_code == 403
    assert not leaks(response_text(response), MEDIATOR, "package:download")


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["reporting:export_json", "reporting:export_xlsx"])
@pytest.mark.parametrize("viewer", [MANAGER, ADMIN])
def test_bilan_exports_are_aggregates_only(client, world, name, viewer):
    """Aggregates for the user's site, opened as files: figures, no nominative marker."""
    client.force_login(_user(world, viewer))
    response = client.get(reverse(name), {"preset": "this_year", "site": world.own_site.pk})
    assert response.status_code == 200
    text = response_text(response)
    assert "2026-12-31" in text  # the file was read: its period is there
    assert not leaks(text, MANAGER, name)
