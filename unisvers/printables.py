"""Unis'Vers printables: the attendance sheet (feuille d'émargement) of a cohort week and a
participant's path summary. The PDFs are rendered by `ceis.printables` (nothing fetched)."""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone

from .choices import AttendanceStatus, Space
from .models import Attendance, Cohort, CollectiveActivity, Enrollment


def week_of(day: datetime.date) -> tuple[datetime.date, datetime.date] | None:
    """Monday and Sunday of the week of `day`; None at the edge of the calendar."""
    try:
        monday = day - datetime.timedelta(days=day.weekday())
        return monday, monday + datetime.timedelta(days=6)
    except OverflowError:
        return None


@dataclass
class SheetRow:
    last_name: str
    first_name: str
    # One flag per meeting day of the week: whether the participant is enrolled that day (a day
    # before their entry or after their exit is hatched, not signed).
    enrolled: list[bool] = field(default_factory=list)


def cohort_week_sheet(cohort: Cohort, day: datetime.date) -> dict | None:
    """What the week's sheet shows: the cohort's meeting days of that week as columns, one row
    per participant enrolled on at least one of them. None when the week has no meeting day."""
    week = week_of(day)
    if week is None:
        return None
    days = list(cohort.meeting_days.filter(date__range=week).order_by("date"))
    if not days:
        return None
    rows = []
    enrollments = cohort.enrollments.select_related("person").order_by(
        "person__last_name", "person__first_name", "pk"
    )
    for enrollment in enrollments:
        enrolled = [enrollment.is_present_on(meeting.date) for meeting in days]
        if any(enrolled):
            person = enrollment.person
            rows.append(SheetRow(person.last_name.upper(), person.first_name, enrolled))
    return {
        "cohort": cohort,
        "site": cohort.site,
        "days": days,
        "monday": week[0],
        "sunday": week[1],
        "rows": rows,
        "referents": [str(user) for user in cohort.referents.all()],
        "organisation": settings.CEIS_ORGANISATION_NAME,
        "printed_on": timezone.localdate(),
    }


def path_summary(person, enrollments: list[Enrollment]) -> dict:
    """A participant's path, for the person: per enrollment, the cohort and its dates, the
    thematic spaces of the activities they took part in, their attendance rate, the exit and the
    situations at 3 and 6 months. Never a follow-up entry, the intake's income, adviser or
    sensitive answers."""
    cohort_ids = [enrollment.cohort_id for enrollment in enrollments]
    attendance = {
        row["cohort_id"]: row
        for row in Attendance.objects.filter(person=person, cohort_id__in=cohort_ids)
        .values("cohort_id")
        .annotate(
            recorded=Count("id"),
            present=Count("id", filter=Q(status=AttendanceStatus.PRESENT)),
        )
    }
    spaces: dict[int, list[str]] = {}
    activities = (
        CollectiveActivity.objects.filter(cohort_id__in=cohort_ids, participants=person)
        .values_list("cohort_id", "space")
        .distinct()
    )
    for cohort_id, space in activities:
        spaces.setdefault(cohort_id, []).append(space)
    paths = []
    for enrollment in enrollments:
        counts = attendance.get(enrollment.cohort_id, {"recorded": 0, "present": 0})
        visited = spaces.get(enrollment.cohort_id, [])
        paths.append(
            {
                "enrollment": enrollment,
                "cohort": enrollment.cohort,
                "spaces": [label for code, label in Space.choices if code in visited],
                "days_present": counts["present"],
                "days_recorded": counts["recorded"],
                "rate": round(100 * counts["present"] / counts["recorded"])
                if counts["recorded"]
                else None,
            }
        )
    site = enrollments[0].cohort.site if enrollments else person.site
    return {
        "person": person,
        "paths": paths,
        "site": site,
        "organisation": settings.CEIS_ORGANISATION_NAME,
        "printed_on": timezone.localdate(),
    }
