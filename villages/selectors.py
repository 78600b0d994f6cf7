"""Reads of Vill@ges connectés, always scoped to the user's sites (another site's object → 404)."""

import datetime

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from ceis.perms import can_view_person_file
from ceis.scoping import get_visible_or_404
from ceis.selectors import person_search, persons_visible_to

from . import perms
from .choices import Attendance, RegistrationStatus
from .models import Assessment, IndividualHelp, Registration, Session, Visit, Workshop


def workshop_list() -> QuerySet[Workshop]:
    """The catalogue is shared by every site; each workshop with its number of sessions, counted
    for the page's workshops only (a subquery on the session's workshop index), not by grouping
    every session of every site."""
    sessions = (
        Session.objects.filter(workshop=OuterRef("pk"))
        .order_by()
        .values("workshop")
        .annotate(n=Count("*"))  # COUNT(*): an index-only scan
        .values("n")
    )
    return Workshop.objects.annotate(session_count=Coalesce(Subquery(sessions), 0)).order_by(
        "title"
    )


def workshop_get(*, public_id) -> Workshop:
    return get_visible_or_404(Workshop.objects.all(), "Atelier introuvable.", public_id=public_id)


def _registration_count(**filters) -> Coalesce:
    """The number of a session's registrations matching `filters`, as a correlated subquery:
    computed only for the sessions of the page (after ORDER BY … LIMIT), through the index on
    the registration's session, instead of grouping every registration of every session."""
    registrations = (
        Registration.objects.filter(session=OuterRef("pk"), **filters)
        .order_by()
        .values("session")
        .annotate(n=Count("id"))
        .values("n")
    )
    return Coalesce(Subquery(registrations), 0)


def sessions_visible_to(user) -> QuerySet[Session]:
    """Sessions of the user's sites, with their seat and attendance figures."""
    return (
        Session.objects.visible_to(user)
        .select_related("workshop", "site")
        .annotate(
            registered_count=_registration_count(status=RegistrationStatus.INSCRIT),
            waiting_count=_registration_count(status=RegistrationStatus.LISTE_ATTENTE),
            present_count=_registration_count(attendance=Attendance.PRESENT),
            absent_count=_registration_count(attendance=Attendance.ABSENT),
        )
    )


def session_get(*, public_id, user) -> Session:
    return get_visible_or_404(sessions_visible_to(user), "Séance introuvable.", public_id=public_id)


def sessions_between(
    *, user, start: datetime.date, end: datetime.date, site=None
) -> QuerySet[Session]:
    """Sessions whose local date is in [start, end), of one of the user's sites if `site`."""
    tz = timezone.get_current_timezone()
    lower = datetime.datetime.combine(start, datetime.time.min, tzinfo=tz)
    upper = datetime.datetime.combine(end, datetime.time.min, tzinfo=tz)
    sessions = sessions_visible_to(user).filter(start__gte=lower, start__lt=upper)
    if site is not None:
        sessions = sessions.filter(site=site)
    return sessions.order_by("start")


def past_sessions(*, user) -> QuerySet[Session]:
    return sessions_visible_to(user).filter(start__lt=timezone.now()).order_by("-start")


def session_registrations(*, session: Session) -> QuerySet[Registration]:
    """Every registration of a session (the session was already fetched through a scope)."""
    return session.registrations.select_related("person", "person__neighbourhood").order_by(
        "registered_at", "id"
    )


def checkin_counts(*, session: Session) -> dict:
    """The check-in's counter: people present among those expected (cancellations aside)."""
    return session.registrations.exclude(status=RegistrationStatus.ANNULE).aggregate(
        expected=Count("id"), present=Count("id", filter=Q(attendance=Attendance.PRESENT))
    )


def registration_get(*, public_id, user) -> Registration:
    qs = Registration.objects.visible_to(user).select_related(
        "session", "session__workshop", "person"
    )
    return get_visible_or_404(qs, "Inscription introuvable.", public_id=public_id)


def helps_visible_to(user) -> QuerySet[IndividualHelp]:
    return IndividualHelp.objects.visible_to(user).select_related("person", "site", "mediator")


def help_get(*, public_id, user) -> IndividualHelp:
    return get_visible_or_404(
        helps_visible_to(user), "Accompagnement introuvable.", public_id=public_id
    )


def help_defaults(*, user) -> dict:
    """What the help form is prefilled with: today, and the site and duration of the
    mediator's last help (their habits), so a usual help takes a few taps."""
    last = (
        IndividualHelp.objects.visible_to(user)
        .filter(mediator=user)
        .order_by("-created_at", "-id")
        .only("site_id", "duration_min", "autonomy")
        .first()
    )
    defaults = {"date": timezone.localdate(), "duration_min": 30}
    sites = user.site_list
    if last:
        defaults.update(site=last.site_id, duration_min=last.duration_min or 30)
    elif len(sites) == 1:
        defaults["site"] = sites[0].pk
    return defaults


def session_defaults(*, user) -> dict:
    """What a new session is prefilled with: today at 14 h; for a mediator, themselves as the
    facilitator and the site of the last session they led; else the user's only site."""
    defaults = {"date": timezone.localdate(), "time": datetime.time(14, 0)}
    sites = user.site_list
    last = None
    if perms.leads_sessions(user):
        defaults["facilitator"] = user.get_full_name() or user.username
        last = (
            Session.objects.visible_to(user)
            .filter(facilitator=defaults["facilitator"])
            .order_by("-created_at", "-id")
            .only("site_id")
            .first()
        )
    if last:
        defaults["site"] = last.site_id
    elif len(sites) == 1:
        defaults["site"] = sites[0].pk
    return defaults


def visits_visible_to(user) -> QuerySet[Visit]:
    return Visit.objects.visible_to(user).select_related("person", "site")


def visit_get(*, public_id, user) -> Visit:
    return get_visible_or_404(visits_visible_to(user), "Visite introuvable.", public_id=public_id)


def visit_counts_today(*, user) -> dict:
    today = timezone.localdate()
    return (
        visits_visible_to(user)
        .filter(date=today)
        .aggregate(total=Count("id"), helped=Count("id", filter=Q(volunteer_help=True)))
    )


def assessments_visible_to(user) -> QuerySet[Assessment]:
    return Assessment.objects.visible_to(user).select_related("person", "site")


def assessment_previous(*, assessment: Assessment, user) -> Assessment | None:
    """The same person's assessment just before this one, among those the user may see."""
    return (
        assessments_visible_to(user)
        .filter(person_id=assessment.person_id)
        .filter(Q(date__lt=assessment.date) | Q(date=assessment.date, id__lt=assessment.id))
        .order_by("-date", "-id")
        .first()
    )


def workshops_of_themes(*, themes, user) -> list[Workshop]:
    """The catalogue's workshops of these themes, each with `next_start` and `next_id`, the
    start and public id of its next session at the user's sites (None when none is planned)."""
    upcoming = (
        Session.objects.visible_to(user)
        .filter(workshop=OuterRef("pk"), start__gte=timezone.now())
        .order_by("start", "id")
    )
    return list(
        Workshop.objects.filter(theme__in=themes)
        .annotate(
            next_start=Subquery(upcoming.values("start")[:1]),
            next_id=Subquery(upcoming.values("public_id")[:1]),
        )
        .order_by("title")
    )


def assessment_get(*, public_id, user) -> Assessment:
    return get_visible_or_404(
        assessments_visible_to(user), "Diagnostic introuvable.", public_id=public_id
    )


def person_history(*, person, user) -> dict:
    """A person's Vill@ges history on the user's sites: constant number of queries."""
    return {
        "registrations": list(
            person.village_registrations.visible_to(user)
            .select_related("session", "session__workshop", "session__site")
            .order_by("-session__start")
        ),
        "helps": list(
            person.village_helps.visible_to(user)
            .select_related("mediator", "site")
            .order_by("-date", "-created_at")
        ),
        "visits": list(person.village_visits.visible_to(user).order_by("-date")),
        "assessments": list(
            person.village_assessments.visible_to(user).order_by("date", "created_at", "id")
        ),
    }


def persons_for_registration(*, user, query: str, session: Session | None = None):
    """Search results when registering or checking someone in, with their registration on
    `session` if any (one query)."""
    # Volunteers find by name (and birth year) only (security.md row 18).
    names_only = not can_view_person_file(user)
    qs = person_search(persons_visible_to(user), query, names_only=names_only)
    if session is not None:
        qs = qs.prefetch_related(
            Prefetch(
                "village_registrations",
                queryset=Registration.objects.filter(session=session),
                to_attr="on_session",
            )
        )
    return list(qs[:8])
