"""Unis'Vers' part of merging two persons (ceis.merge): which row stays when both persons have
one for the same thing, and the check of the merged record."""

from django.core.exceptions import ValidationError

from ceis.merge import MergeConflict

from .choices import AttendanceStatus
from .models import Enrollment

# Fields that make sense only together: taken whole from one enrollment, never mixed.
_GROUPS = (
    ("exit_date", "exit_outcome", "dropout_reason", "confidence_exit"),
    ("followup_3m_date", "followup_3m_situation"),
    ("followup_6m_date", "followup_6m_situation"),
)
_GROUPED = {name for group in _GROUPS for name in group}
_NOT_COMPARED = {"id", "public_id", "cohort", "person", "created_at", "updated_at"}


def _empty(value) -> bool:
    return value is None or value == "" or value == []


def enrollment_resolve(kept: Enrollment, removed: Enrollment) -> Enrollment:
    """Both persons enrolled in the same cohort: one enrollment, the kept person's, completed
    with what only the other holds. Two different exits (or follow-up situations) are a real
    conflict: refused, to be corrected by hand first."""
    changed = []
    for group in _GROUPS:
        ours = [getattr(kept, name) for name in group]
        theirs = [getattr(removed, name) for name in group]
        if all(_empty(value) for value in theirs) or ours == theirs:
            continue
        if all(_empty(value) for value in ours):
            for name, value in zip(group, theirs, strict=True):
                setattr(kept, name, value)
            changed += group
            continue
        raise MergeConflict(
            f"Les deux fiches sont inscrites dans la promotion « {kept.cohort} » avec "
            f"des {_label(group)} différentes. Corrigez d'abord l'une des deux inscriptions, "
            "puis recommencez la fusion."
        )
    for field in Enrollment._meta.concrete_fields:
        name = field.name
        if name in _NOT_COMPARED or name in _GROUPED or field.primary_key:
            continue
        if _empty(getattr(kept, name)) and not _empty(getattr(removed, name)):
            setattr(kept, name, getattr(removed, name))
            changed.append(field.attname)
    if changed:
        kept.save(update_fields=[*changed, "updated_at"])
    return kept


def _label(group) -> str:
    if group[0] == "exit_date":
        return "sorties"
    return "situations à 3 mois" if "3m" in group[0] else "situations à 6 mois"


_ATTENDANCE_RANK = {
    AttendanceStatus.PRESENT: 2,
    AttendanceStatus.ABSENT_EXCUSE: 1,
    AttendanceStatus.ABSENT_NON_EXCUSE: 0,
}


def attendance_resolve(kept, removed):
    """One line of the register for the day: present if either was marked present (the person
    came), else the excused absence, else the kept person's."""
    if _ATTENDANCE_RANK.get(removed.status, 0) > _ATTENDANCE_RANK.get(kept.status, 0):
        return removed
    return kept


RESOLVERS = {
    "unisvers.Enrollment": enrollment_resolve,
    "unisvers.Attendance": attendance_resolve,
}


def check(kept) -> None:
    """The merged person's enrollments keep the rules of `Enrollment.clean`: no two on one
    period (the duplicates were enrolled in two cohorts at the same time)."""
    for enrollment in Enrollment.objects.filter(person=kept).select_related("cohort", "person"):
        try:
            enrollment.clean()
        except ValidationError as error:
            messages = "; ".join(message for message in error.messages)
            raise MergeConflict(
                f"Après la fusion, l'inscription à « {enrollment.cohort} » ne serait plus "
                f"valable : {messages} Corrigez d'abord les inscriptions, puis recommencez."
            ) from None
