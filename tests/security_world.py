"""The world of the generated security tests (security.md rows 2 and 3).

Two sites; on each, one object of every kind the URL configuration can name (a person enrolled
in a cohort, with follow-up, testimonial, event, Vill@ges session, registration, help,
assessment, bilan and its PDF). A user of each role works on the first site only; the
participant of each site carries unique markers in the fields that need-to-know protects.

`walk_urls()` lists every named URL of the project from the URL configuration itself, and
`OBJECT_KWARGS` says, for each URL that takes an object, which object of a site fills it: a URL
missing from it cannot be requested, so the tests that use it fail until it is declared.
"""

import datetime
import uuid
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver

from appointments.tests.factories import AppointmentFactory
from ceis.choices import ImportKind, ImportStatus, ImportStep, Role
from ceis.models import ImportJob
from ceis.tests.factories import NeighbourhoodFactory, PersonFactory, UserFactory
from coordination.tests.factories import OrientationFactory, PartnerFactory
from documents.tests.factories import PersonDocumentFactory
from reporting.choices import JobStatus
from reporting.models import BilanDocument, BilanVersion
from unisvers.choices import ExitOutcome, Household, MinimumIncome
from unisvers.models import Handover
from unisvers.tests.factories import (
    ActivityFactory,
    CohortFactory,
    EnrollmentFactory,
    EventFactory,
    FollowUpFactory,
    TestimonialFactory,
)
from villages.tests.factories import (
    AssessmentFactory,
    IndividualHelpFactory,
    RegistrationFactory,
    SessionFactory,
    VisitFactory,
    WorkshopFactory,
)

ROLES = (
    Role.TRAVAILLEUR_SOCIAL,
    Role.MEDIATEUR_NUMERIQUE,
    Role.VOLONTAIRE,
    Role.MANAGER,
    Role.ADMIN,
)


# The URL configuration ----------------------------------------------------------------------


def _walk(patterns, prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            namespace = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            yield from _walk(entry.url_patterns, namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            params = set(getattr(entry.pattern, "converters", {})) | set(
                entry.pattern.regex.groupindex
            )
            yield f"{prefix}{entry.name}", frozenset(params)


def walk_urls() -> dict[str, frozenset]:
    """Every named URL of the project → the names of its parameters."""
    urls: dict[str, frozenset] = {}
    for name, params in _walk(get_resolver().url_patterns):
        urls[name] = urls.get(name, frozenset()) | params
    return urls


def is_admin_url(name: str) -> bool:
    return name.startswith("admin:")


# Which object of a site fills each URL that takes one.
OBJECT_KWARGS = {
    "persons:detail": lambda o: {"public_id": o.person.public_id},
    "persons:update": lambda o: {"public_id": o.person.public_id},
    "persons:delete": lambda o: {"public_id": o.person.public_id},
    "persons:export": lambda o: {"public_id": o.person.public_id},
    "persons:merge": lambda o: {"public_id": o.person.public_id},
    "documents:upload": lambda o: {"person_id": o.person.public_id},
    "documents:download": lambda o: {"public_id": o.person_document.public_id},
    "documents:delete": lambda o: {"public_id": o.person_document.public_id},
    "unisvers:cohort_detail": lambda o: {"public_id": o.cohort.public_id},
    "unisvers:cohort_update": lambda o: {"public_id": o.cohort.public_id},
    "unisvers:cohort_referents": lambda o: {"public_id": o.cohort.public_id},
    "unisvers:meeting_day_add": lambda o: {"public_id": o.cohort.public_id},
    "unisvers:meeting_day_remove": lambda o: {
        "public_id": o.cohort.public_id,
        "day": o.day.date.isoformat(),
    },
    "unisvers:register": lambda o: {"public_id": o.cohort.public_id, "day": o.day.date.isoformat()},
    "unisvers:attendance_sheet": lambda o: {
        "public_id": o.cohort.public_id,
        "day": o.day.date.isoformat(),
    },
    "unisvers:enroll_search": lambda o: {"public_id": o.cohort.public_id},
    "unisvers:referral_import": lambda o: {"public_id": o.cohort.public_id},
    "unisvers:enroll_new_person": lambda o: {"public_id": o.cohort.public_id},
    "unisvers:enroll_intake": lambda o: {
        "public_id": o.cohort.public_id,
        "person_id": o.newcomer.public_id,
    },
    "unisvers:activity_create": lambda o: {"public_id": o.cohort.public_id},
    "unisvers:activity_delete": lambda o: {
        "public_id": o.cohort.public_id,
        "activity_id": o.activity.public_id,
    },
    "unisvers:enrollment_update": lambda o: {"public_id": o.enrollment.public_id},
    "unisvers:enrollment_delete": lambda o: {"public_id": o.enrollment.public_id},
    "unisvers:enrollment_exit": lambda o: {"public_id": o.enrollment.public_id},
    "unisvers:enrollment_followup_3m": lambda o: {"public_id": o.enrollment.public_id},
    "unisvers:enrollment_followup_6m": lambda o: {"public_id": o.enrollment.public_id},
    "unisvers:enrollment_handover": lambda o: {"public_id": o.enrollment.public_id},
    "unisvers:participant": lambda o: {"public_id": o.person.public_id},
    "unisvers:path_summary": lambda o: {"public_id": o.person.public_id},
    "unisvers:followup_create": lambda o: {"public_id": o.person.public_id},
    "unisvers:testimonial_create": lambda o: {"public_id": o.person.public_id},
    "unisvers:followup_update": lambda o: {"public_id": o.followup.public_id},
    "unisvers:testimonial_update": lambda o: {"public_id": o.testimonial.public_id},
    "unisvers:event_detail": lambda o: {"public_id": o.event.public_id},
    "coordination:partner_update": lambda o: {"public_id": o.partner.public_id},
    "coordination:partner_delete": lambda o: {"public_id": o.partner.public_id},
    "coordination:orientation_from_followup": lambda o: {"public_id": o.followup.public_id},
    "coordination:orientation_from_help": lambda o: {"public_id": o.help.public_id},
    "coordination:orientation_from_exit": lambda o: {"public_id": o.enrollment.public_id},
    "coordination:orientation_detail": lambda o: {"public_id": o.orientation.public_id},
    "coordination:orientation_status": lambda o: {"public_id": o.orientation.public_id},
    "coordination:orientation_sheet_pdf": lambda o: {"public_id": o.orientation.public_id},
    "villages:workshop_update": lambda o: {"public_id": o.workshop.public_id},
    "villages:session_detail": lambda o: {"public_id": o.session.public_id},
    "villages:session_update": lambda o: {"public_id": o.session.public_id},
    "villages:session_delete": lambda o: {"public_id": o.session.public_id},
    "villages:session_register": lambda o: {"public_id": o.session.public_id},
    "villages:session_person_search": lambda o: {"public_id": o.session.public_id},
    "villages:session_checkin": lambda o: {"public_id": o.session.public_id},
    "villages:session_attendance_sheet": lambda o: {"public_id": o.session.public_id},
    "villages:session_walk_in": lambda o: {"public_id": o.session.public_id},
    "villages:session_anonymous": lambda o: {"public_id": o.session.public_id},
    "villages:registration_cancel": lambda o: {"public_id": o.registration.public_id},
    "villages:registration_attendance": lambda o: {"public_id": o.registration.public_id},
    "villages:help_detail": lambda o: {"public_id": o.help.public_id},
    "villages:help_update": lambda o: {"public_id": o.help.public_id},
    "villages:help_delete": lambda o: {"public_id": o.help.public_id},
    "villages:visit_undo": lambda o: {"public_id": o.visit.public_id},
    "villages:assessment_create": lambda o: {"person_id": o.person.public_id},
    "villages:assessment_detail": lambda o: {"public_id": o.assessment.public_id},
    "villages:person_file": lambda o: {"person_id": o.person.public_id},
    "appointments:update": lambda o: {"public_id": o.appointment.public_id},
    "appointments:status": lambda o: {"public_id": o.appointment.public_id},
    "appointments:convocation_pdf": lambda o: {"public_id": o.appointment.public_id},
    "messaging:consent": lambda o: {"public_id": o.person.public_id},
    "reporting:document": lambda o: {"public_id": o.document.public_id},
    "reporting:generate": lambda o: {"public_id": o.document.public_id},
    "reporting:version_status": lambda o: {"public_id": o.version.public_id},
    "reporting:version_retry": lambda o: {"public_id": o.version.public_id},
    "reporting:version_download": lambda o: {"public_id": o.version.public_id},
    "reporting:version_publish": lambda o: {"public_id": o.version.public_id},
    "reporting:version_opendata": lambda o: {"public_id": o.version.public_id},
    # A long import's page: its author's only (the site's referent here).
    "imports:job": lambda o: {"public_id": o.import_job.public_id},
    "imports:confirm": lambda o: {"public_id": o.import_job.public_id},
    "imports:retry": lambda o: {"public_id": o.import_job.public_id},
    # Staff accounts: a social worker of the site (admins manage every site's staff).
    "staff:update": lambda o: {"username": o.staff.username},
    "staff:invite": lambda o: {"username": o.staff.username},
    "staff:deactivate": lambda o: {"username": o.staff.username},
    "staff:reactivate": lambda o: {"username": o.staff.username},
    "staff:second_factor_reset": lambda o: {"username": o.staff.username},
}

# URLs whose parameters are not objects of a site (a signed token, or Django's admin).
TOKEN_KWARGS = {
    "password_reset_confirm": {"uidb64": "MQ", "token": "jeton-invalide"},
    # An agent's iCalendar feed: its private token is the key (an unknown one is a 404).
    "appointments:feed": {"token": "jeton-invalide"},
    # A template is named by its code and channel, not an object of a site.
    "messaging:template_edit": {"code": "appointment_confirmation", "channel": "sms"},
}


def admin_kwargs(params) -> dict:
    """Django's admin: an app label and an object id that does not exist."""
    values = {"app_label": "ceis", "object_id": "0", "content_type_id": "1"}
    return {name: values.get(name, "1") for name in params}


# Markers: values unique enough to be searched in any page, file or archive ------------------


@dataclass(frozen=True)
class Markers:
    """Distinctive values of one site's participant, in the fields need-to-know protects."""

    note: str  # follow-up note: the person's referents and admins only
    orientation: str  # follow-up orientation to a partner: Unis'Vers data
    adviser: str  # referring adviser at intake: Unis'Vers data
    income: int  # monthly resources: Unis'Vers data, never for managers
    cohort: str  # a cohort's name: Unis'Vers data, never for Vill@ges roles
    name: str  # the participant's last name: nominative, never for managers (aggregates only)
    # The person's file beyond the name: never for volunteers (security.md row 18) nor managers.
    # None where a participant carries none of them.
    contact: "PersonMarkers | None" = None
    place: str = ""  # an appointment's place: nominative, never for managers nor volunteers


@dataclass(frozen=True)
class PersonMarkers:
    phone: str
    email: str
    commune: str  # the address
    neighbourhood: str  # the address too: the name of the participant's neighbourhood
    france_travail_id: str
    education_level: str  # a code; pages show its label
    status: str  # a code; pages show its label
    birth_date: datetime.date  # volunteers see the year only


OWN_MARKERS = Markers(
    note="NOTE-SECRETE-7f3a",
    orientation="ORIENTATION-REPERE-5c1e",
    adviser="CONSEILLER-REPERE-2b9d",
    income=4871,
    cohort="PROMO-REPERE-3a9c",
    name="ParticipanteCeis",
    contact=PersonMarkers(
        phone="0698765432",
        email="repere.7c4e@exemple.fr",
        commune="Commune-Repere-7c4e",
        neighbourhood="Quartier-Repere-7c4e",
        france_travail_id="FTREPERE7C4E",
        education_level="bac_plus_5",
        status="retraite",  # "En emploi" is also an indicator's label (« En emploi à 6 mois »)
        birth_date=datetime.date(1983, 7, 19),
    ),
    place="LIEU-REPERE-4d2a",
)
OTHER_MARKERS = Markers(
    note="NOTE-AILLEURS-8d4b",
    orientation="ORIENTATION-AILLEURS-6e2f",
    adviser="CONSEILLER-AILLEURS-1c7a",
    income=4872,
    cohort="PROMO-AILLEURS-9b1d",
    name="ParticipanteAutre",
    contact=PersonMarkers(
        phone="0698765433",
        email="ailleurs.2d8f@exemple.fr",
        commune="Commune-Ailleurs-2d8f",
        neighbourhood="Quartier-Ailleurs-2d8f",
        france_travail_id="FTAILLEURS2D8F",
        education_level="bac_plus_3_4",
        status="scolarise",
        birth_date=datetime.date(1979, 11, 23),
    ),
    place="LIEU-AILLEURS-7e1b",
)


# A participant of the other site, followed there, who moved to the first site and was enrolled
# there (security.md row 17): the entries and intake of the other site stay there.
MOVED_MARKERS = Markers(
    note="NOTE-DEMENAGEE-4e8a",
    orientation="ORIENTATION-DEMENAGEE-3f6b",
    adviser="CONSEILLER-DEMENAGEE-0a5c",
    income=4873,
    cohort=OTHER_MARKERS.cohort,
    name="ParticipanteDemenagee",
)


# The world ----------------------------------------------------------------------------------


@dataclass
class World:
    own_site: object
    other_site: object
    users: dict = field(default_factory=dict)  # role → user of the first site
    own: SimpleNamespace = None
    other: SimpleNamespace = None
    ts_not_referent: object = None  # a social worker of the first site, referent of nothing
    # Security.md row 17: a social worker of the first site, referent of a cohort of their own
    # (as one made before referents were reserved to managers) where they enrolled the first
    # site's participant; a colleague the participant's enrollment was handed over to; the other
    # site's referent; a participant who moved from the other site to the first.
    ts_self_referent: object = None
    ts_handed_over: object = None
    elsewhere: dict = field(default_factory=dict)
    moved: SimpleNamespace = None
    files: list = field(default_factory=list)

    def objects(self, scope: str) -> SimpleNamespace:
        return self.own if scope == "own" else self.other


def _site_objects(site, *, referent, mediator, manager, markers: Markers, workshop):
    cohort = CohortFactory(site=site, referents=[referent], name=markers.cohort)
    contact = dict(vars(markers.contact)) if markers.contact else {}
    if contact:
        contact["neighbourhood"] = NeighbourhoodFactory(name=contact.pop("neighbourhood"))
    person = PersonFactory(site=site, last_name=markers.name, first_name="Camille", **contact)
    enrollment = EnrollmentFactory(
        cohort=cohort,
        person=person,
        exited=True,
        exit_outcome=ExitOutcome.FORMATION,
        referral_adviser=markers.adviser,
        minimum_income=MinimumIncome.RSA,
        monthly_income_eur=markers.income,
        household=Household.MONOPARENTAL,
        domestic_violence=True,
        health_problem=True,
    )
    # Another participant, so that no aggregate of the bilan equals a single person's value.
    EnrollmentFactory(cohort=cohort, monthly_income_eur=900, household=Household.SEUL)
    activity = ActivityFactory(cohort=cohort)
    activity.participants.add(person)
    followup = FollowUpFactory(
        person=person,
        cohort=cohort,
        author=referent,
        note=markers.note,
        orientation=markers.orientation,
    )
    testimonial = TestimonialFactory(person=person, quote="Un témoignage publiable.")
    event = EventFactory(site=site)
    event.attendees.add(person)
    session = SessionFactory(site=site, workshop=workshop)
    registration = RegistrationFactory(session=session, person=person)
    individual_help = IndividualHelpFactory(site=site, person=person, mediator=mediator)
    assessment = AssessmentFactory(site=site, person=person)
    visit = VisitFactory(site=site, person=person)
    appointment = AppointmentFactory(
        site=site,
        person=person,
        agent=mediator,
        start=datetime.datetime(2026, 3, 10, 10, tzinfo=datetime.UTC),
        place=markers.place,
    )
    document = BilanDocument.objects.create(
        site=site,
        date_from=datetime.date(2026, 1, 1),
        date_to=datetime.date(2026, 12, 31),
        publication_date=datetime.date(2026, 12, 31),
        created_by=manager,
    )
    version = BilanVersion.objects.create(
        document=document, number=1, status=JobStatus.READY, indicators={}
    )
    version.pdf.save(f"securite-{uuid.uuid4().hex}.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"))
    # A partner of the site; the participant oriented from the follow-up entry (row 17: the
    # orientation's note carries the orientation marker) and from the help.
    partner = PartnerFactory(site=site, name=f"Partenaire {site.code}")
    orientation = OrientationFactory(
        person=person,
        partner=partner,
        followup=followup,
        from_followup=True,
        note=markers.orientation,
        created_by=referent,
    )
    OrientationFactory(
        person=person, partner=partner, help=individual_help, from_help=True, created_by=mediator
    )
    # A document of the person's file (documents/): its title names no marker.
    person_document = PersonDocumentFactory(person=person, title="CV du dossier")
    import_job = ImportJob.objects.create(
        kind=ImportKind.REFERRALS,
        step=ImportStep.CHECK,
        status=ImportStatus.DONE,
        user=referent,
        file_name="liste.csv",
        upload="referrals/absent",
        params={"cohort": str(cohort.public_id)},
        result={"ok": True, "counts": {"new": 1}, "enrollable": 1, "errors": []},
    )
    return SimpleNamespace(
        site=site,
        markers=markers,
        staff=referent,
        cohort=cohort,
        day=cohort.meeting_days.order_by("date").first(),
        person=person,
        # A person of the site not yet enrolled, for the intake URL.
        newcomer=PersonFactory(site=site, last_name="Nouvelle"),
        enrollment=enrollment,
        activity=activity,
        followup=followup,
        testimonial=testimonial,
        event=event,
        workshop=workshop,
        session=session,
        registration=registration,
        help=individual_help,
        visit=visit,
        appointment=appointment,
        assessment=assessment,
        document=document,
        version=version,
        person_document=person_document,
        partner=partner,
        orientation=orientation,
        import_job=import_job,
    )


def build_world(own_site, other_site) -> World:
    world = World(own_site=own_site, other_site=other_site)
    for role in ROLES:
        world.users[role] = UserFactory(role=role, sites=[own_site], username=f"sec-{role}")
    world.ts_not_referent = UserFactory(
        role=Role.TRAVAILLEUR_SOCIAL, sites=[own_site], username="sec-ts-non-referent"
    )
    elsewhere = {
        role: UserFactory(role=role, sites=[other_site], username=f"sec-ailleurs-{role}")
        for role in (Role.TRAVAILLEUR_SOCIAL, Role.MEDIATEUR_NUMERIQUE, Role.MANAGER)
    }
    # The catalogue of workshops is shared by every site (villages.selectors.workshop_list).
    workshop = WorkshopFactory(title="Atelier commun")
    world.own = _site_objects(
        own_site,
        referent=world.users[Role.TRAVAILLEUR_SOCIAL],
        mediator=world.users[Role.MEDIATEUR_NUMERIQUE],
        manager=world.users[Role.MANAGER],
        markers=OWN_MARKERS,
        workshop=workshop,
    )
    world.other = _site_objects(
        other_site,
        referent=elsewhere[Role.TRAVAILLEUR_SOCIAL],
        mediator=elsewhere[Role.MEDIATEUR_NUMERIQUE],
        manager=elsewhere[Role.MANAGER],
        markers=OTHER_MARKERS,
        workshop=workshop,
    )
    world.files = [world.own.version.pdf, world.other.version.pdf]
    world.elsewhere = elsewhere
    _row_17_scenarios(world)
    return world


def _row_17_scenarios(world: World) -> None:
    own_referent = world.users[Role.TRAVAILLEUR_SOCIAL]
    autumn = {"start_date": datetime.date(2026, 9, 7), "end_date": datetime.date(2026, 10, 16)}
    # A self-made referent enrolls the participant of a colleague in their own cohort.
    world.ts_self_referent = UserFactory(
        role=Role.TRAVAILLEUR_SOCIAL, sites=[world.own_site], username="sec-ts-auto-referent"
    )
    own_cohort = CohortFactory(
        site=world.own_site, referents=[world.ts_self_referent], name="Promotion auto", **autumn
    )
    EnrollmentFactory(cohort=own_cohort, person=world.own.person, entry_date=autumn["start_date"])
    # The participant's referent hands their enrollment over to a colleague.
    world.ts_handed_over = UserFactory(
        role=Role.TRAVAILLEUR_SOCIAL, sites=[world.own_site], username="sec-ts-transmis"
    )
    Handover.objects.create(
        enrollment=world.own.enrollment, from_user=own_referent, to_user=world.ts_handed_over
    )
    # A participant followed on the other site moves to the first one and is enrolled there.
    markers = MOVED_MARKERS
    person = PersonFactory(site=world.other_site, last_name=markers.name, first_name="Alex")
    before = EnrollmentFactory(
        cohort=world.other.cohort,
        person=person,
        exited=True,
        referral_adviser=markers.adviser,
        monthly_income_eur=markers.income,
    )
    followup = FollowUpFactory(
        person=person,
        enrollment=before,
        author=world.elsewhere[Role.TRAVAILLEUR_SOCIAL],
        note=markers.note,
        orientation=markers.orientation,
    )
    person.site = world.own_site
    person.save()
    later = CohortFactory(
        site=world.own_site, referents=[own_referent], name="Promotion d'automne", **autumn
    )
    after = EnrollmentFactory(cohort=later, person=person, entry_date=autumn["start_date"])
    world.moved = SimpleNamespace(
        person=person, before=before, after=after, followup=followup, markers=markers
    )


def remove_world_files(world: World):
    from documents.storage import delete_file

    for stored in world.files:
        stored.storage.delete(stored.name)
    for objects in (world.own, world.other):
        delete_file(objects.person_document.storage_name)


def fingerprint(site) -> list:
    """Every stored value of a site's records, to prove a request changed none of them."""
    from appointments.models import Appointment
    from ceis.models import Person
    from coordination.models import Orientation, Partner
    from documents.models import PersonDocument
    from unisvers.models import (
        Attendance,
        Cohort,
        CollectiveActivity,
        Enrollment,
        Event,
        FollowUp,
        MeetingDay,
        Testimonial,
    )
    from villages.models import Assessment, IndividualHelp, Registration, Session

    querysets = [
        Person.objects.filter(site=site),
        Cohort.objects.filter(site=site),
        Enrollment.objects.filter(cohort__site=site),
        MeetingDay.objects.filter(cohort__site=site),
        Attendance.objects.filter(cohort__site=site),
        CollectiveActivity.objects.filter(cohort__site=site),
        FollowUp.objects.filter(person__site=site),
        Handover.objects.filter(enrollment__cohort__site=site),
        Testimonial.objects.filter(person__site=site),
        Event.objects.filter(site=site),
        Event.attendees.through.objects.filter(event__site=site),
        Session.objects.filter(site=site),
        Registration.objects.filter(session__site=site),
        IndividualHelp.objects.filter(site=site),
        Assessment.objects.filter(site=site),
        BilanDocument.objects.filter(site=site),
        BilanVersion.objects.filter(document__site=site),
        Appointment.objects.filter(site=site),
        PersonDocument.objects.filter(person__site=site),
        Partner.objects.filter(site=site),
        Orientation.objects.filter(site=site),
    ]
    state = [list(qs.order_by("pk").values()) for qs in querysets]
    return state


def url_kwargs(name: str, params, objects) -> dict:
    if not params:
        return {}
    if is_admin_url(name):
        return admin_kwargs(params)
    if name in TOKEN_KWARGS:
        return TOKEN_KWARGS[name]
    return OBJECT_KWARGS[name](objects)
