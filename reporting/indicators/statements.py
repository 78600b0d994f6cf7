"""The bilan's statements: what `compute_bilan()` runs, six hand-written SQL statements.

`sections(period, site)` returns the five sections of `ceis.bilan/1` (`unisvers`, `villages`,
`appointments`, `orientations`, `messages`), exactly the structures of the ORM modules of this
package (`unisvers.py`, `villages.py`, `appointments.py`, `orientations.py`, `messages.py`, put
together by `reference.compute_reference_bilan`), which stay the readable definition of every
indicator. `reporting/tests/test_bilan_sql_baseline.py` proves both equal, key by key, type by
type and in the same order, on edge-case data, on SQLite and PostgreSQL. Why two versions: for
one site, the ORM's 16 queries cost as much Python (Django building and compiling them) as the
database takes to answer, more than issue #17 allows over the best hand-written SQL.

One statement per section and a small one for the anonymous attendees of sessions, built from
CTEs, window functions and `FILTER` clauses, on SQLite (3.30 or later) and PostgreSQL. Each
section reads each table once: the Vill@ges contacts are grouped by person once, and the
monthly figures are `FILTER`ed counts of the same passes.

Where the dialects differ (a session's local date, dates as YYYYMMDD integers, JSON lists) the
SQL branches on `connection.vendor`. A session's local date (in `settings.TIME_ZONE`) is compared
through the UTC instants of the period's local midnights (`Period.instants`), so the period
filter can use the index on `start`; the local date itself is computed once per session of the
period, never per registration.

Every value (dates, instants, site, year, time zone) is a bound parameter; only the codes of the
reference lists (`TextChoices`) and month bounds built from `datetime.date` are written into the
SQL text.
"""

# The SQL is assembled from this module's fragments and the reference lists' codes; every value
# is a bound parameter.
# ruff: noqa: S608

import datetime

from django.conf import settings
from django.db import connection as default_connection

from appointments.choices import AppointmentKind, AppointmentStatus
from ceis.choices import EducationLevel
from ceis.models import Site
from coordination.choices import OrientationStatus, PartnerCategory
from messaging.choices import SENT_STATUSES, Channel, MessageStatus
from unisvers.choices import (
    AttendanceStatus,
    DropoutReason,
    EventKind,
    ExitOutcome,
    FollowupSituation,
    Household,
)
from villages.choices import AnonymousAgeBand, Autonomy, DigitalTheme, Procedure, SkillLevel

from .codes import (
    AppointmentsCode,
    MessagesCode,
    OrientationsCode,
    Programme,
    Section,
    UnisversCode,
    VillagesCode,
)
from .common import Period, _utc_offsets, breakdown, mean, rate

COUNTED_EVENT_KINDS = (EventKind.ALUMNI, EventKind.COMITE_USAGERS, EventKind.CO_EVALUATION)
ANONYMOUS_BANDS = AnonymousAgeBand.values
# In employment six months after the exit (`in_employment_6m_rate`).
EMPLOYED_6M = (
    FollowupSituation.EMPLOI_DURABLE,
    FollowupSituation.EMPLOI_TRANSITION,
    FollowupSituation.IAE,
)
# The sections `sections()` returns, in the JSON's order.
SECTIONS = (
    Programme.UNISVERS,
    Programme.VILLAGES,
    Section.APPOINTMENTS,
    Section.ORIENTATIONS,
    Section.MESSAGES,
)


# ---- shapes -------------------------------------------------------------------------------


def _codes(choices, row: dict, prefix: str) -> dict:
    """Every code of `choices` in the list's order, from the columns `prefix` + code."""
    return breakdown(choices, {code: row[f"{prefix}{code}"] for code in choices.values})


def _quoted_list(values) -> str:
    """Codes of the reference lists are plain ASCII identifiers: safe to inline."""
    return ", ".join(f"'{value}'" for value in values)


# ---- dialect --------------------------------------------------------------------------------


class _Dialect:
    def __init__(self, vendor: str, period: Period):
        if vendor not in ("sqlite", "postgresql"):
            raise ValueError(f"bilan : base {vendor} non prise en charge")
        self.pg = vendor == "postgresql"
        # The time zone's UTC offset on the intervals covering the period: (end, seconds).
        self.shifts = [(end, seconds) for _, end, seconds in _utc_offsets(period)]

    def params(self) -> dict:
        """The values the dialect's fragments bind: the time zone, or its offsets on SQLite."""
        if self.pg:
            return {"tz": settings.TIME_ZONE}
        params = {}
        for index, (end, seconds) in enumerate(self.shifts):
            params[f"shift_end_{index}"] = self.instant(end)
            params[f"shift_{index}"] = f"{seconds:+d} seconds"
        return params

    def session_day(self, column: str) -> str:
        """The local date (in `settings.TIME_ZONE`) of a UTC timestamp of the period.

        PostgreSQL converts natively, with the zone bound as `%(tz)s`. SQLite has no time
        zones: like `common.local_date`, its own `date(value, '+N seconds')` adds the offset of
        the interval the value falls in (`%(shift_end_i)s`, `%(shift_i)s`, from
        `_shift_params`), rather than a Python function called per row."""
        if self.pg:
            return f"({column} AT TIME ZONE %(tz)s)::date"
        *changes, _ = self.shifts
        whens = "".join(
            f"WHEN {column} < %(shift_end_{index})s THEN %(shift_{index})s "
            for index in range(len(changes))
        )
        final = f"%(shift_{len(changes)})s"
        return (
            f"date({column}, CASE {whens}ELSE {final} END)"
            if changes
            else f"date({column}, {final})"
        )

    def date_key(self, column: str) -> str:
        """A date as the integer YYYYMMDD."""
        if self.pg:
            return f"CAST(to_char({column}, 'YYYYMMDD') AS integer)"
        return f"CAST(replace({column}, '-', '') AS INTEGER)"

    @property
    def read_twice(self) -> str:
        """The hint for a CTE read twice that is cheaper to read again than to store: on
        PostgreSQL, `NOT MATERIALIZED` (registrations and helps: at 100× a stored copy spills
        to disk, 21 s → 17 s); SQLite is not measured here and keeps its own choice."""
        return "NOT MATERIALIZED " if self.pg else ""

    def month(self, column: str) -> str:
        """The month of a date, to group by: its first day on PostgreSQL (a date, truncated
        without a time zone), its "YYYY-MM" text on SQLite."""
        if self.pg:
            return f"CAST(date_trunc('month', CAST({column} AS timestamp)) AS date)"
        return f"substr({column}, 1, 7)"

    def month_value(self, label: str) -> str:
        """The literal `month()` gives for the month "YYYY-MM" (built from a `datetime.date`,
        never from input text)."""
        return f"DATE '{label}-01'" if self.pg else f"'{label}'"

    def json_has(self, column: str, code: str) -> str:
        """A JSON list of codes holds `code`."""
        if self.pg:
            return f"{column} ? '{code}'"
        return f"instr({column}, '\"{code}\"') > 0"

    def instant(self, moment: datetime.datetime):
        """An aware date-time as the database compares it with a stored one."""
        if self.pg:
            return moment
        # Django stores SQLite date-times as naive UTC text, "YYYY-MM-DD HH:MM:SS[.ffffff]", and
        # binds them so (what the reference's lookups compare with).
        return str(moment.astimezone(datetime.UTC).replace(tzinfo=None))

    def age(self, reference_key: str, person: str = "p") -> str:
        """Whole years from the birth (date, else 1 January of the birth year) to a YYYYMMDD
        reference: the difference of the two keys divided by 10000, in integers."""
        birth = (
            f"COALESCE({self.date_key(f'{person}.birth_date')}, {person}.birth_year * 10000 + 101)"
        )
        return f"(({reference_key}) - {birth}) / 10000"


def _site_clause(site_id, column: str) -> str:
    return f" AND {column} = %(site)s" if site_id is not None else ""


# ---- Unis'Vers ------------------------------------------------------------------------------


def _unisvers_sql(d: _Dialect, site_id, calendar_year) -> str:
    cohort_join = (
        " JOIN unisvers_cohort c ON c.id = e.cohort_id AND c.site_id = %(site)s"
        if site_id is not None
        else ""
    )
    positive = _quoted_list(ExitOutcome.positive())
    both = "e.confidence_entry IS NOT NULL AND e.confidence_exit IS NOT NULL"
    outcome_cols = ",\n".join(
        f"    COUNT(*) FILTER (WHERE e.exit_outcome = '{code}') AS \"outcome:{code}\""
        for code in ExitOutcome.values
    )
    reason_cols = ",\n".join(
        f"    COUNT(*) FILTER (WHERE e.exit_outcome = 'abandon' AND e.dropout_reason = '{code}')"
        f' AS "reason:{code}"'
        for code in DropoutReason.values
    )
    followup_cols = ",\n".join(
        f"    COUNT(*) FILTER (WHERE e.followup_3m_situation = '{code}') AS \"followup:{code}\""
        for code in FollowupSituation.values
    )
    followup_6m_cols = ",\n".join(
        f"    COUNT(*) FILTER (WHERE e.followup_6m_situation = '{code}') AS \"followup_6m:{code}\""
        for code in FollowupSituation.values
    )
    employed_6m = ", ".join(f"'{code}'" for code in EMPLOYED_6M)
    attendance_cols = ",\n".join(
        f"    SUM(n) FILTER (WHERE status = '{code}') AS \"att:{code}\""
        for code in AttendanceStatus.values
    )
    if calendar_year is None:
        target = "SELECT NULL AS target"
    else:
        target = (
            "SELECT SUM(t.persons) AS target FROM unisvers_target t WHERE t.year = %(year)s"
            + _site_clause(site_id, "t.site_id")
        )
    return f"""
WITH active AS (
  SELECT e.id, e.person_id, e.entry_date, e.monthly_income_eur, e.household,
         e.domestic_violence,
         ROW_NUMBER() OVER (PARTITION BY e.person_id ORDER BY e.entry_date DESC, e.id DESC) AS rn
  FROM unisvers_enrollment e{cohort_join}
  WHERE e.entry_date <= %(to)s AND (e.exit_date IS NULL OR e.exit_date >= %(from)s)
),
profiles AS (
  SELECT a.person_id, a.monthly_income_eur, a.household, a.domestic_violence,
         {d.age(d.date_key("a.entry_date"))} AS age
  FROM active a JOIN ceis_person p ON p.id = a.person_id
  WHERE a.rn = 1
),
followed AS (
  SELECT DISTINCT f.person_id FROM unisvers_followup f WHERE f.date BETWEEN %(from)s AND %(to)s
),
participants AS (
  SELECT
    COUNT(*) AS participants,
    COUNT(f.person_id) AS followed,
    COUNT(pr.age) AS age_known,
    COUNT(*) FILTER (WHERE pr.age BETWEEN 35 AND 50) AS age_in_band,
    COUNT(pr.monthly_income_eur) AS income_known,
    COUNT(*) FILTER (WHERE pr.monthly_income_eur < 550) AS income_below,
    COUNT(*) FILTER (WHERE pr.household <> '') AS household_known,
    COUNT(*) FILTER (WHERE pr.household = '{Household.SEUL}') AS living_alone,
    COUNT(*) FILTER (WHERE pr.household = '{Household.MONOPARENTAL}') AS single_parent,
    COUNT(pr.domestic_violence) AS violence_known,
    COUNT(*) FILTER (WHERE pr.domestic_violence = TRUE) AS violence
  FROM profiles pr LEFT JOIN followed f ON f.person_id = pr.person_id
),
exits AS (
  SELECT
    COUNT(*) AS exits,
    COUNT(*) FILTER (WHERE e.exit_outcome IN ({positive})) AS positive,
    COUNT(*) FILTER (WHERE e.followup_3m_situation <> '') AS followup_recorded,
    COUNT(*) FILTER (WHERE e.followup_6m_situation <> '') AS followup_6m_recorded,
    COUNT(*) FILTER (WHERE e.followup_6m_situation IN ({employed_6m})) AS employed_6m,
    COUNT(*) FILTER (WHERE {both}) AS assessed,
    SUM(CASE WHEN {both} THEN e.confidence_entry END) AS confidence_entry_sum,
    SUM(CASE WHEN {both} THEN e.confidence_exit END) AS confidence_exit_sum,
    COUNT(*) FILTER (WHERE {both} AND e.confidence_exit > e.confidence_entry) AS improved,
{outcome_cols},
{reason_cols},
{followup_cols},
{followup_6m_cols}
  FROM unisvers_enrollment e{cohort_join}
  WHERE e.exit_date BETWEEN %(from)s AND %(to)s
),
attendance AS (
  SELECT
    SUM(n) AS attendance_total,
{attendance_cols}
  FROM (
    SELECT a.status, COUNT(*) AS n
    FROM unisvers_attendance a{cohort_join.replace("e.cohort_id", "a.cohort_id")}
    WHERE a.date BETWEEN %(from)s AND %(to)s
    GROUP BY a.status
  ) a
),
cohorts AS (
  SELECT COUNT(*) AS cohorts FROM unisvers_cohort c
  WHERE c.start_date <= %(to)s AND c.end_date >= %(from)s{_site_clause(site_id, "c.site_id")}
),
attendees AS (
  SELECT COUNT(DISTINCT ea.person_id) AS event_attendees
  FROM unisvers_event_attendees ea JOIN unisvers_event ev ON ev.id = ea.event_id
  WHERE ev.date BETWEEN %(from)s AND %(to)s
    AND ev.kind IN ({_quoted_list(COUNTED_EVENT_KINDS)}){_site_clause(site_id, "ev.site_id")}
),
target AS ({target})
SELECT * FROM participants, exits, attendance, cohorts, attendees, target
"""


def _unisvers(row: dict) -> dict:
    # Counts as ints (PostgreSQL's SUM gives a numeric); sums over no group are NULL, so 0, the
    # target aside, whose NULL means "no target".
    target = row.pop("target")
    row = {key: int(value or 0) for key, value in row.items()}
    target = int(target) if target is not None else None
    participants = row["participants"]
    exits = row["exits"]
    dropouts = row[f"outcome:{ExitOutcome.ABANDON}"]
    completions = exits - dropouts
    present = row[f"att:{AttendanceStatus.PRESENT}"]
    unexcused = row[f"att:{AttendanceStatus.ABSENT_NON_EXCUSE}"]
    absences = row[f"att:{AttendanceStatus.ABSENT_EXCUSE}"] + unexcused
    assessed = row["assessed"]
    return {
        UnisversCode.PARTICIPANTS: participants,
        UnisversCode.TARGET: target,
        UnisversCode.TARGET_RATE: rate(participants, target or 0),
        UnisversCode.COHORTS: row["cohorts"],
        UnisversCode.EXITS: exits,
        UnisversCode.DROPOUTS: dropouts,
        UnisversCode.COMPLETIONS: completions,
        UnisversCode.POSITIVE_EXITS: row["positive"],
        UnisversCode.POSITIVE_EXIT_RATE: rate(row["positive"], exits),
        UnisversCode.POSITIVE_EXIT_RATE_COMPLETERS: rate(row["positive"], completions),
        UnisversCode.DROPOUT_RATE: rate(dropouts, exits),
        UnisversCode.OUTCOMES: _codes(ExitOutcome, row, "outcome:"),
        UnisversCode.DROPOUT_REASONS: _codes(DropoutReason, row, "reason:"),
        UnisversCode.INDIVIDUAL_FOLLOWUP_RATE: rate(row["followed"], participants),
        UnisversCode.AGE_35_50_RATE: rate(row["age_in_band"], row["age_known"]),
        UnisversCode.INCOME_BELOW_550_RATE: rate(row["income_below"], row["income_known"]),
        UnisversCode.LIVING_ALONE_RATE: rate(row["living_alone"], row["household_known"]),
        UnisversCode.SINGLE_PARENT_RATE: rate(row["single_parent"], row["household_known"]),
        UnisversCode.DOMESTIC_VIOLENCE_RATE: rate(row["violence"], row["violence_known"]),
        UnisversCode.ATTENDANCE: _codes(AttendanceStatus, row, "att:"),
        UnisversCode.ATTENDANCE_RATE: rate(present, row["attendance_total"]),
        UnisversCode.UNEXCUSED_ABSENCE_RATE: rate(unexcused, absences),
        UnisversCode.FOLLOWUP_3M: _codes(FollowupSituation, row, "followup:"),
        UnisversCode.FOLLOWUP_3M_RECORDED: row["followup_recorded"],
        UnisversCode.CONFIDENCE: {
            "assessed": assessed,
            "mean_entry": mean(row["confidence_entry_sum"], assessed),
            "mean_exit": mean(row["confidence_exit_sum"], assessed),
            "improved_rate": rate(row["improved"], assessed),
        },
        UnisversCode.EVENT_ATTENDEES: row["event_attendees"],
        UnisversCode.FOLLOWUP_6M: _codes(FollowupSituation, row, "followup_6m:"),
        UnisversCode.FOLLOWUP_6M_RECORDED: row["followup_6m_recorded"],
        # Among the known 6-month situations: recorded and not « inconnu ».
        UnisversCode.IN_EMPLOYMENT_6M_RATE: rate(
            row["employed_6m"],
            row["followup_6m_recorded"] - row[f"followup_6m:{FollowupSituation.INCONNU}"],
        ),
    }


# ---- Vill@ges connectés -----------------------------------------------------------------


def _activity_ctes(d: _Dialect, site_id) -> str:
    """Sessions, registrations, helps and visits of the period, and every contact."""
    return f"""
sessions AS (
  SELECT s.id, s.workshop_id, day, {d.month("day")} AS month
  FROM (
    SELECT s.id, s.workshop_id, {d.session_day("s.start")} AS day
    FROM villages_session s
    WHERE s.start >= %(start_utc)s AND s.start < %(end_utc)s{_site_clause(site_id, "s.site_id")}
  ) s
),
registrations AS {d.read_twice}(
  SELECT r.person_id, r.status, r.attendance, s.day, s.month
  FROM villages_registration r JOIN sessions s ON s.id = r.session_id
  WHERE r.status <> 'annule'
),
helps AS {d.read_twice}(
  SELECT h.id, h.person_id, h.date, h.themes, h.procedures, h.urgent, h.autonomy
  FROM villages_individualhelp h
  WHERE h.date BETWEEN %(from)s AND %(to)s{_site_clause(site_id, "h.site_id")}
),
visits AS (
  SELECT v.person_id, v.date FROM villages_visit v
  WHERE v.date BETWEEN %(from)s AND %(to)s{_site_clause(site_id, "v.site_id")}
),
contacts AS (
  SELECT person_id, day FROM registrations
  UNION ALL SELECT person_id, date FROM helps
  UNION ALL SELECT person_id, date FROM visits WHERE person_id IS NOT NULL
)"""


def _skill_rank(column: str) -> str:
    whens = " ".join(f"WHEN '{code}' THEN {index}" for index, code in enumerate(SkillLevel.values))
    return f"CASE {column} {whens} END"


def _in_month(column: str, first: datetime.date, last: datetime.date) -> str:
    """Dates are bound by the reference lists' code only: the month's bounds are literals
    built here from `datetime.date`, never from input text."""
    return f"{column} BETWEEN '{first.isoformat()}' AND '{last.isoformat()}'"


def _villages_sql(d: _Dialect, site_id, months) -> str:
    bac = _quoted_list(EducationLevel.bac_or_higher())
    month_person_cols = "".join(
        f',\n    COUNT(*) FILTER (WHERE {_in_month("day", first, last)}) AS "m:{label}"'
        for label, first, last in months
    )
    reached_month_cols = "".join(
        f',\n    COUNT(*) FILTER (WHERE p."m:{label}" > 0) AS "people:{label}"'
        for label, _, _ in months
    )
    attended_month_cols = "".join(
        f",\n    SUM(n) FILTER (WHERE attendance = 'present' AND month = {d.month_value(label)})"
        f' AS "attended:{label}"'
        for label, _, _ in months
    )
    help_month_cols = "".join(
        f',\n    SUM(n) FILTER (WHERE month = {d.month_value(label)}) AS "helps:{label}"'
        for label, _, _ in months
    )
    procedure_cols = ",\n".join(
        f'    COUNT(*) FILTER (WHERE {d.json_has("h.procedures", code)}) AS "procedure:{code}"'
        for code in Procedure.values
    )
    help_theme_cols = ",\n".join(
        f'    COUNT(*) FILTER (WHERE {d.json_has("h.themes", code)}) AS "help_theme:{code}"'
        for code in DigitalTheme.values
    )
    procedure_sums = ",\n".join(
        f'    SUM("procedure:{code}") AS "procedure:{code}"' for code in Procedure.values
    )
    help_theme_sums = ",\n".join(
        f'    SUM("help_theme:{code}") AS "help_theme:{code}"' for code in DigitalTheme.values
    )
    autonomy_cols = ",\n".join(
        f"    SUM(n) FILTER (WHERE autonomy = '{code}') AS \"autonomy:{code}\""
        for code in Autonomy.values
    )
    session_theme_cols = ",\n".join(
        f"    SUM(n) FILTER (WHERE theme = '{code}') AS \"session_theme:{code}\""
        for code in DigitalTheme.values
    )
    skill_cols = ",\n".join(
        f"    COUNT(*) FILTER (WHERE classification = '{code}') AS \"skill:{code}\""
        for code in SkillLevel.values
    )
    return f"""
WITH {_activity_ctes(d, site_id)},
reached AS (
  SELECT person_id, MIN(day) AS first_day{month_person_cols}
  FROM contacts GROUP BY person_id
),
people AS (
  SELECT
    COUNT(*) AS people,
    COUNT(p.neighbourhood_id) AS neighbourhood_known,
    COUNT(*) FILTER (WHERE n.centre_ville = TRUE) AS centre_ville,
    COUNT(*) FILTER (WHERE n.qpv_code <> '') AS qpv,
    COUNT(*) FILTER (WHERE p.education_level <> '') AS education_known,
    COUNT(*) FILTER (WHERE p.education_level IN ({bac})) AS bac_or_higher,
    COUNT(p.age) AS age_known,
    COUNT(*) FILTER (WHERE p.age < 26) AS age_under_26,
    COUNT(*) FILTER (WHERE p.age BETWEEN 26 AND 59) AS age_26_59,
    COUNT(*) FILTER (WHERE p.age >= 60) AS age_60_plus{reached_month_cols}
  FROM (
    SELECT r.*, p.neighbourhood_id, p.education_level,
           {d.age(d.date_key("r.first_day"))} AS age
    FROM reached r JOIN ceis_person p ON p.id = r.person_id
  ) p LEFT JOIN ceis_neighbourhood n ON n.id = p.neighbourhood_id
),
registration_groups AS (
  SELECT status, attendance, month, COUNT(*) AS n FROM registrations GROUP BY 1, 2, 3
),
registration_counts AS (
  SELECT
    SUM(n) AS registrations,
    SUM(n) FILTER (WHERE status = 'liste_attente') AS waitlisted,
    SUM(n) FILTER (WHERE attendance = 'present') AS attended,
    SUM(n) FILTER (WHERE attendance IN ('present', 'absent'))
      AS attendance_taken{attended_month_cols}
  FROM registration_groups
),
help_groups AS (
  SELECT
    h.autonomy, h.urgent, {d.month("h.date")} AS month, COUNT(*) AS n,
{procedure_cols},
{help_theme_cols}
  FROM helps h GROUP BY 1, 2, 3
),
help_counts AS (
  SELECT
    SUM(n) AS helps,
    SUM(n) FILTER (WHERE urgent = TRUE) AS urgent,
{procedure_sums},
{help_theme_sums},
{autonomy_cols}{help_month_cols}
  FROM help_groups
),
session_counts AS (
  SELECT
    SUM(n) AS sessions,
{session_theme_cols}
  FROM (
    SELECT w.theme, COUNT(*) AS n
    FROM sessions s JOIN villages_workshop w ON w.id = s.workshop_id GROUP BY w.theme
  ) g
),
visit_counts AS (
  SELECT COUNT(*) AS free_access_visits FROM villages_visit v
  WHERE v.date BETWEEN %(from)s AND %(to)s{_site_clause(site_id, "v.site_id")}
),
assessments AS (
  SELECT a.person_id, a.classification, a.owns_smartphone, a.owns_tablet, a.owns_computer,
         a.tiers_aidant,
         ROW_NUMBER() OVER (
           PARTITION BY a.person_id ORDER BY a.date DESC, a.created_at DESC, a.id DESC
         ) AS from_last,
         COUNT(*) OVER (PARTITION BY a.person_id) AS dated,
         FIRST_VALUE(a.classification) OVER (
           PARTITION BY a.person_id ORDER BY a.date, a.created_at, a.id
         ) AS first_classification
  FROM villages_assessment a JOIN reached r ON r.person_id = a.person_id
  WHERE a.date <= %(to)s
),
latest AS (
  SELECT
    COUNT(*) AS assessed,
    COUNT(*) FILTER (
      WHERE owns_smartphone IS NOT NULL OR owns_tablet IS NOT NULL OR owns_computer IS NOT NULL
    ) AS equipment_known,
    COUNT(*) FILTER (
      WHERE owns_smartphone = TRUE OR owns_tablet = TRUE OR owns_computer = TRUE
    ) AS equipped,
    COUNT(tiers_aidant) AS tiers_aidant_known,
    COUNT(*) FILTER (WHERE tiers_aidant = TRUE) AS tiers_aidant,
{skill_cols},
    COUNT(*) FILTER (WHERE dated >= 2) AS progress_of,
    COUNT(*) FILTER (
      WHERE dated >= 2
        AND {_skill_rank("classification")} > {_skill_rank("first_classification")}
    ) AS progress_n
  FROM assessments WHERE from_last = 1
)
SELECT * FROM people, registration_counts, help_counts, session_counts, visit_counts, latest
"""


def _villages(row: dict, labels) -> dict:
    # Counts as ints (PostgreSQL's SUM gives a numeric); sums over no group are NULL: 0.
    row = {key: int(value or 0) for key, value in row.items()}
    return {
        VillagesCode.PEOPLE: row["people"],
        VillagesCode.SESSIONS: row["sessions"],
        VillagesCode.REGISTRATIONS: row["registrations"],
        VillagesCode.WAITLISTED: row["waitlisted"],
        VillagesCode.ATTENDED: row["attended"],
        VillagesCode.SESSION_ATTENDANCE_RATE: rate(row["attended"], row["attendance_taken"]),
        VillagesCode.INDIVIDUAL_HELPS: row["helps"],
        VillagesCode.URGENT_HELPS: row["urgent"],
        VillagesCode.PROCEDURES: _codes(Procedure, row, "procedure:"),
        VillagesCode.THEMES: {
            code: row[f"help_theme:{code}"] + row[f"session_theme:{code}"]
            for code in DigitalTheme.values
        },
        VillagesCode.AUTONOMY: _codes(Autonomy, row, "autonomy:"),
        VillagesCode.FREE_ACCESS_VISITS: row["free_access_visits"],
        VillagesCode.MONTHLY: [
            {
                "month": label,
                "people": row[f"people:{label}"],
                "attended": row[f"attended:{label}"],
                "individual_helps": row[f"helps:{label}"],
            }
            for label in labels
        ],
        VillagesCode.CENTRE_VILLE_RATE: rate(row["centre_ville"], row["neighbourhood_known"]),
        VillagesCode.QPV_RATE: rate(row["qpv"], row["neighbourhood_known"]),
        VillagesCode.AGE_UNDER_26_RATE: rate(row["age_under_26"], row["age_known"]),
        VillagesCode.AGE_26_59_RATE: rate(row["age_26_59"], row["age_known"]),
        VillagesCode.AGE_60_PLUS_RATE: rate(row["age_60_plus"], row["age_known"]),
        VillagesCode.BAC_OR_HIGHER_RATE: rate(row["bac_or_higher"], row["education_known"]),
        VillagesCode.ILLECTRONISME_RATE: rate(
            row[f"skill:{SkillLevel.ILLECTRONISME}"], row["assessed"]
        ),
        VillagesCode.SKILLS: _codes(SkillLevel, row, "skill:"),
        VillagesCode.EQUIPPED_RATE: rate(row["equipped"], row["equipment_known"]),
        VillagesCode.TIERS_AIDANT_RATE: rate(row["tiers_aidant"], row["tiers_aidant_known"]),
        VillagesCode.SKILLS_PROGRESS_RATE: rate(row["progress_n"], row["progress_of"]),
    }


# ---- anonymous attendees and added sections (appointments, orientations, messages) ----------


def _anonymous_sql(site_id) -> str:
    """The anonymous attendees of the sessions of the period, by age band (not persons)."""
    sums = ",\n  ".join(
        f"SUM(CASE WHEN a.age_band = '{band}' THEN a.count ELSE 0 END) AS \"age:{band}\""
        for band in ANONYMOUS_BANDS
    )
    return f"""
SELECT
  {sums}
FROM villages_anonymousattendance a JOIN villages_session s ON s.id = a.session_id
WHERE s.start >= %(start_utc)s AND s.start < %(end_utc)s{_site_clause(site_id, "s.site_id")}"""


def _anonymous(row: dict) -> dict:
    by_age = _codes(AnonymousAgeBand, row, "age:")
    return {
        VillagesCode.ANONYMOUS_ATTENDEES: sum(by_age.values()),
        VillagesCode.ANONYMOUS_BY_AGE: by_age,
    }


def _appointments_sql(site_id) -> str:
    """The appointments of the period (by the local date of their start, through the same UTC
    bounds as the sessions), by status and kind, and the persons received."""
    status = ",\n  ".join(
        f"COUNT(CASE WHEN a.status = '{code}' THEN 1 END) AS \"status:{code}\""
        for code in AppointmentStatus.values
    )
    kind = ",\n  ".join(
        f"COUNT(CASE WHEN a.kind = '{code}' THEN 1 END) AS \"kind:{code}\""
        for code in AppointmentKind.values
    )
    return f"""
SELECT
  COUNT(*) AS booked,
  {status},
  {kind},
  COUNT(DISTINCT CASE WHEN a.status = '{AppointmentStatus.HONORE}' THEN a.person_id END) AS people
FROM appointments_appointment a
WHERE a.start >= %(start_utc)s AND a.start < %(end_utc)s{_site_clause(site_id, "a.site_id")}"""


def _appointments(row: dict) -> dict:
    by_status = _codes(AppointmentStatus, row, "status:")
    honoured, no_show = by_status[AppointmentStatus.HONORE], by_status[AppointmentStatus.NON_HONORE]
    return {
        AppointmentsCode.BOOKED: int(row["booked"] or 0),
        AppointmentsCode.BY_STATUS: by_status,
        AppointmentsCode.BY_KIND: _codes(AppointmentKind, row, "kind:"),
        AppointmentsCode.NO_SHOW_RATE: rate(no_show, honoured + no_show),
        AppointmentsCode.PEOPLE: int(row["people"] or 0),
    }


def _orientations_sql(site_id) -> str:
    """The orientations of the period (by their date), by the partner's category; with a site,
    those that count for it (the site stored on the orientation by the spec's rule)."""
    category = ",\n  ".join(
        f"COUNT(CASE WHEN p.category = '{code}' THEN 1 END) AS \"category:{code}\""
        for code in PartnerCategory.values
    )
    return f"""
SELECT
  COUNT(*) AS count,
  COUNT(CASE WHEN o.status <> '{OrientationStatus.PROPOSEE}' THEN 1 END) AS decided,
  COUNT(CASE WHEN o.status = '{OrientationStatus.REALISEE}' THEN 1 END) AS done,
  {category}
FROM coordination_orientation o
JOIN coordination_partner p ON p.id = o.partner_id
WHERE o.date BETWEEN %(from)s AND %(to)s{_site_clause(site_id, "o.site_id")}"""


def _orientations(row: dict) -> dict:
    return {
        OrientationsCode.COUNT: int(row["count"] or 0),
        OrientationsCode.BY_CATEGORY: _codes(PartnerCategory, row, "category:"),
        OrientationsCode.COMPLETED_RATE: rate(row["done"], row["decided"]),
    }


def _messages_sql(site_id) -> str:
    """Messages sent (envoyé or remis) and failed, by channel, dated by their sending or, for one
    that never left, by its failure (`scheduled_for`), through the period's UTC bounds."""
    sent = _quoted_list(SENT_STATUSES)
    columns = ",\n  ".join(
        f"COUNT(CASE WHEN m.channel = '{code}' AND m.status IN ({sent}) THEN 1 END)"
        f' AS "sent:{code}",\n  '
        f"COUNT(CASE WHEN m.channel = '{code}' AND m.status = '{MessageStatus.ECHEC}'"
        " AND NOT m.withheld THEN 1 END)"
        f' AS "failed:{code}"'
        for code in Channel.values
    )
    return f"""
SELECT
  {columns}
FROM messaging_message m
WHERE COALESCE(m.sent_at, m.scheduled_for) >= %(start_utc)s
  AND COALESCE(m.sent_at, m.scheduled_for) < %(end_utc)s{_site_clause(site_id, "m.site_id")}"""


def _messages(row: dict) -> dict:
    return {
        MessagesCode.SENT: _codes(Channel, row, "sent:"),
        MessagesCode.FAILED: _codes(Channel, row, "failed:"),
    }


# ---- entry point ----------------------------------------------------------------------------


def _one_row(cursor) -> dict:
    columns = [column[0] for column in cursor.description]
    return dict(zip(columns, cursor.fetchone(), strict=True))


def sections(period: Period, site: Site | None, *, connection=None) -> dict:
    """The five sections of the bilan for `period`, every site (`None`) or one `Site` (read by
    its id: no query to find it), in six statements whatever the amount of data.

    `connection` is Django's default one unless another is given (the benchmarks)."""
    connection = connection or default_connection
    d = _Dialect(connection.vendor, period)
    site_id = site.pk if site is not None else None
    start, end = period.instants
    params = {
        "from": period.start.isoformat(),
        "to": period.end.isoformat(),
        "start_utc": d.instant(start),
        "end_utc": d.instant(end),
        **d.params(),
        "year": period.calendar_year,
        "site": site_id,
    }
    months = [(month.label, month.period.start, month.period.end) for month in period.months()]
    with connection.cursor() as cursor:
        cursor.execute(_unisvers_sql(d, site_id, period.calendar_year), params)
        unisvers = _unisvers(_one_row(cursor))
        cursor.execute(_villages_sql(d, site_id, months), params)
        villages = _villages(_one_row(cursor), [label for label, _, _ in months])
        cursor.execute(_anonymous_sql(site_id), params)
        villages.update(_anonymous(_one_row(cursor)))
        cursor.execute(_appointments_sql(site_id), params)
        appointments = _appointments(_one_row(cursor))
        cursor.execute(_orientations_sql(site_id), params)
        orientations = _orientations(_one_row(cursor))
        cursor.execute(_messages_sql(site_id), params)
        messages = _messages(_one_row(cursor))
    return {
        Programme.UNISVERS: unisvers,
        Programme.VILLAGES: villages,
        Section.APPOINTMENTS: appointments,
        Section.ORIENTATIONS: orientations,
        Section.MESSAGES: messages,
    }
