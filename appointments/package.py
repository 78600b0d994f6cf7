"""The appointments' files of the data package (ceis.package, docs/data-package.md):
`opening_hours.csv` and `appointments.csv`.

Agents are named by username (`agent`): the account must exist, the import never creates one.
The agent, and the opening hours' `HH:MM` times, are not plain model attributes: `check`
validates them, `derive` turns them into the record's fields, `export_cells` writes them back —
so that a package exported then imported gives the same cells. An appointment that would
double-book its agent (against the database or another row) is refused with its line.
"""

import datetime
import re

from django.contrib.auth import get_user_model

from ceis.package.spec import Column, FileSpec, col, ref, req

from .choices import BUSY_STATUSES, AppointmentKind, AppointmentStatus
from .models import DURATION_MAX, DURATION_MIN, Appointment, OpeningHours

_TIME = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


def _agent_column() -> Column:
    return Column(name="agent", required=True, stored=False, example="mediateur")


def _users(job) -> dict[str, int]:
    if "appointments.users" not in job.scratch:
        job.scratch["appointments.users"] = dict(
            get_user_model().objects.values_list("username", "pk")
        )
    return job.scratch["appointments.users"]


def _check_agent(job, spec, row) -> bool:
    username = row.values.get("agent") or ""
    if username not in _users(job):
        job.error(
            spec,
            row.line,
            "agent",
            f"compte « {username} » introuvable : l'import ne crée pas de compte, "
            "créez-le d'abord dans Équipe",
        )
        return False
    return True


def _time(text: str) -> datetime.time | None:
    match = _TIME.match((text or "").strip())
    return datetime.time(int(match.group(1)), int(match.group(2))) if match else None


def _hhmm(value: datetime.time) -> str:
    return f"{value:%H:%M}"


# opening_hours.csv -----------------------------------------------------------------------------


def _rekey_opening_hours(job) -> None:
    """The rows of the database by the file's key: (username, site id, weekday, "HH:MM")."""
    if job.scratch.get("appointments.hours_keyed"):
        return
    job.scratch["appointments.hours_keyed"] = True
    job.existing["opening_hours"] = {
        (h.agent.username, h.site_id, h.weekday, _hhmm(h.start)): h
        for h in OpeningHours.objects.select_related("agent")
    }


def check_opening_hours(job, spec, row, resolved) -> bool:
    _rekey_opening_hours(job)
    ok = _check_agent(job, spec, row)
    start, end = _time(row.values.get("start")), _time(row.values.get("end"))
    for name, value in (("start", start), ("end", end)):
        if value is None:
            job.error(
                spec, row.line, name, f"heure invalide « {row.values.get(name)} » (attendu HH:MM)"
            )
            ok = False
    if start and end and end <= start:
        job.error(spec, row.line, "end", "La fin doit être après le début.")
        ok = False
    return ok


def derive_opening_hours(job, spec, record, values) -> None:
    record["agent_id"] = _users(job)[values["agent"]]
    record["start"] = _time(values["start"])
    record["end"] = _time(values["end"])


def export_opening_hours(spec) -> dict:
    return {
        pk: {"agent": username, "start": _hhmm(start), "end": _hhmm(end)}
        for pk, username, start, end in OpeningHours.objects.values_list(
            "pk", "agent__username", "start", "end"
        )
    }


# appointments.csv ------------------------------------------------------------------------------


def _busy_by_agent(job) -> dict:
    """Agent id → [(start, end, key)] of the busy appointments of the database, then of the
    rows already checked."""
    if "appointments.busy" not in job.scratch:
        busy: dict[int, list] = {}
        rows = Appointment.objects.busy().values_list(
            "agent_id", "start", "end", "ref", "public_id"
        )
        for agent_id, start, end, ref_value, public_id in rows:
            busy.setdefault(agent_id, []).append((start, end, {ref_value, str(public_id)}))
        job.scratch["appointments.busy"] = busy
    return job.scratch["appointments.busy"]


def check_appointment(job, spec, row, resolved) -> bool:
    if not _check_agent(job, spec, row):
        return False
    values = row.values
    if values["status"] not in BUSY_STATUSES:
        return True
    agent_id = _users(job)[values["agent"]]
    start = values["start"]
    end = start + datetime.timedelta(minutes=values["duration_min"])
    own = _busy_by_agent(job).setdefault(agent_id, [])
    for other_start, other_end, keys in own:
        if values["ref"] not in keys and other_start < end and other_end > start:
            job.error(
                spec,
                row.line,
                "start",
                f"« {values['agent']} » a déjà un rendez-vous à ce moment-là "
                "(un agent n'est jamais pris deux fois)",
            )
            return False
    # The row replaces the database's record of the same ref, if any.
    own[:] = [item for item in own if values["ref"] not in item[2]]
    own.append((start, end, {values["ref"]}))
    return True


def derive_appointment(job, spec, record, values) -> None:
    record["agent_id"] = _users(job)[values["agent"]]
    record["end"] = values["start"] + datetime.timedelta(minutes=values["duration_min"])


def export_appointments(spec) -> dict:
    return {
        pk: {"agent": username}
        for pk, username in Appointment.objects.values_list("pk", "agent__username")
    }


FILES = (
    FileSpec(
        "opening_hours",
        "appointments.OpeningHours",
        (
            _agent_column(),
            ref("site", "sites"),
            req("weekday", "int", bounds=(0, 6), example="1"),
            Column(name="start", required=True, stored=False, example="09:00"),
            Column(name="end", required=True, stored=False, example="12:00"),
        ),
        key=("agent", "site", "weekday", "start"),
        check=check_opening_hours,
        derive=derive_opening_hours,
        export_cells=export_opening_hours,
        derived_fields=("agent", "start", "end"),
        export_order=("agent__username", "site__code", "weekday", "start"),
    ),
    FileSpec(
        "appointments",
        "appointments.Appointment",
        (
            req("ref"),
            ref("person", "people"),
            _agent_column(),
            ref("site", "sites"),
            req("kind", "code", choices=AppointmentKind),
            req("start", "datetime", example="2026-12-08T10:00"),
            req("duration_min", "int", bounds=(DURATION_MIN, DURATION_MAX), example="30"),
            req("status", "code", choices=AppointmentStatus),
            col("place", example="Salle Verte"),
        ),
        key=("ref",),
        label="rendez-vous",
        check=check_appointment,
        derive=derive_appointment,
        export_cells=export_appointments,
        derived_fields=("agent", "end"),
        person_site=(6, lambda job, values: job.resolve("sites", values["site"])),
    ),
)
