"""Views of Unis'Vers: thin — parse input, call a selector or a service, render.

Model permissions open the pages (lists and forms: 403; pages of one object: 404, see
`ceis.decorators`); selectors scope to the user's sites (404);
`perms.is_in_charge` and `selectors.followups_visible_to` decide whether sensitive fields and
follow-up entries reach the template at all.
"""

from .cohorts import (
    activity_create,
    activity_delete,
    cohort_create,
    cohort_detail,
    cohort_list,
    cohort_referents,
    cohort_update,
    meeting_day_add,
    meeting_day_remove,
    register,
)
from .events import event_create, event_detail, event_list, target_list, todo
from .participants import (
    enroll_intake,
    enroll_new_person,
    enroll_search,
    enrollment_delete,
    enrollment_exit,
    enrollment_followup_3m,
    enrollment_followup_6m,
    enrollment_handover,
    enrollment_update,
    followup_create,
    followup_update,
    participant,
    testimonial_create,
    testimonial_list,
    testimonial_update,
)

__all__ = [
    "activity_create",
    "activity_delete",
    "cohort_create",
    "cohort_detail",
    "cohort_list",
    "cohort_referents",
    "cohort_update",
    "enroll_intake",
    "enroll_new_person",
    "enroll_search",
    "enrollment_delete",
    "enrollment_exit",
    "enrollment_followup_3m",
    "enrollment_followup_6m",
    "enrollment_handover",
    "enrollment_update",
    "event_create",
    "event_detail",
    "event_list",
    "followup_create",
    "followup_update",
    "meeting_day_add",
    "meeting_day_remove",
    "participant",
    "register",
    "target_list",
    "testimonial_create",
    "testimonial_list",
    "testimonial_update",
    "todo",
]
