"""The codes of the bilan's indicators: the keys of `ceis.bilan/1`, in the JSON's order.

Every module that writes or reads a figure (the indicators, their definitions, the XLSX, the PDF,
the texts, the charts and the dashboard) names it here, so that a renamed key cannot fall out of
step. The values are the JSON's keys: changing one changes the published format.
"""

from enum import StrEnum


class Programme(StrEnum):
    UNISVERS = "unisvers"
    VILLAGES = "villages"


class UnisversCode(StrEnum):
    PARTICIPANTS = "participants"
    TARGET = "target"
    TARGET_RATE = "target_rate"
    COHORTS = "cohorts"
    EXITS = "exits"
    DROPOUTS = "dropouts"
    COMPLETIONS = "completions"
    POSITIVE_EXITS = "positive_exits"
    POSITIVE_EXIT_RATE = "positive_exit_rate"
    POSITIVE_EXIT_RATE_COMPLETERS = "positive_exit_rate_completers"
    DROPOUT_RATE = "dropout_rate"
    OUTCOMES = "outcomes"
    DROPOUT_REASONS = "dropout_reasons"
    INDIVIDUAL_FOLLOWUP_RATE = "individual_followup_rate"
    AGE_35_50_RATE = "age_35_50_rate"
    INCOME_BELOW_550_RATE = "income_below_550_rate"
    LIVING_ALONE_RATE = "living_alone_rate"
    SINGLE_PARENT_RATE = "single_parent_rate"
    DOMESTIC_VIOLENCE_RATE = "domestic_violence_rate"
    ATTENDANCE = "attendance"
    ATTENDANCE_RATE = "attendance_rate"
    UNEXCUSED_ABSENCE_RATE = "unexcused_absence_rate"
    FOLLOWUP_3M = "followup_3m"
    FOLLOWUP_3M_RECORDED = "followup_3m_recorded"
    CONFIDENCE = "confidence"
    EVENT_ATTENDEES = "event_attendees"
    FOLLOWUP_6M = "followup_6m"
    FOLLOWUP_6M_RECORDED = "followup_6m_recorded"
    IN_EMPLOYMENT_6M_RATE = "in_employment_6m_rate"


class VillagesCode(StrEnum):
    PEOPLE = "people"
    SESSIONS = "sessions"
    REGISTRATIONS = "registrations"
    WAITLISTED = "waitlisted"
    ATTENDED = "attended"
    SESSION_ATTENDANCE_RATE = "session_attendance_rate"
    INDIVIDUAL_HELPS = "individual_helps"
    URGENT_HELPS = "urgent_helps"
    PROCEDURES = "procedures"
    THEMES = "themes"
    AUTONOMY = "autonomy"
    FREE_ACCESS_VISITS = "free_access_visits"
    MONTHLY = "monthly"
    CENTRE_VILLE_RATE = "centre_ville_rate"
    QPV_RATE = "qpv_rate"
    AGE_UNDER_26_RATE = "age_under_26_rate"
    AGE_26_59_RATE = "age_26_59_rate"
    AGE_60_PLUS_RATE = "age_60_plus_rate"
    BAC_OR_HIGHER_RATE = "bac_or_higher_rate"
    ILLECTRONISME_RATE = "illectronisme_rate"
    SKILLS = "skills"
    EQUIPPED_RATE = "equipped_rate"
    TIERS_AIDANT_RATE = "tiers_aidant_rate"
    SKILLS_PROGRESS_RATE = "skills_progress_rate"
    ANONYMOUS_ATTENDEES = "anonymous_attendees"
    ANONYMOUS_BY_AGE = "anonymous_by_age"


class Section(StrEnum):
    """The sections of `ceis.bilan/1` that are not a programme (indicators.md, "Added keys")."""

    APPOINTMENTS = "appointments"
    ORIENTATIONS = "orientations"
    MESSAGES = "messages"


class AppointmentsCode(StrEnum):
    BOOKED = "booked"
    BY_STATUS = "by_status"
    BY_KIND = "by_kind"
    NO_SHOW_RATE = "no_show_rate"
    PEOPLE = "people"


class OrientationsCode(StrEnum):
    COUNT = "count"
    BY_CATEGORY = "by_category"
    COMPLETED_RATE = "completed_rate"


class MessagesCode(StrEnum):
    SENT = "sent"
    FAILED = "failed"
