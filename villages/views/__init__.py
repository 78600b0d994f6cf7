"""Views of Vill@ges connectés: parse input, call a selector or a service, render.

Permissions: `permission_required` on lists and forms (→ French 403), `object_permission_required`
on the pages of one object (→ 404, like another site's object); both journalled. Sites: selectors.
One module per flow; `urls.py` reaches every view through this package.
"""

from .assessments import assessment_create_view, assessment_detail, person_file, progress
from .calendars import CALENDAR_ALL_SITES_MAX, session_month, session_past, session_week
from .helps import (
    help_create_view,
    help_delete_view,
    help_detail,
    help_list,
    help_person_search,
    help_update_view,
)
from .sessions import (
    registration_attendance,
    registration_cancel_view,
    session_anonymous,
    session_checkin,
    session_create_view,
    session_delete_view,
    session_detail,
    session_person_search,
    session_register,
    session_update_view,
    session_walk_in,
)
from .visits import visit_counter, visit_undo
from .workshops import workshop_create_view, workshop_list, workshop_update_view

__all__ = [
    "CALENDAR_ALL_SITES_MAX",
    "assessment_create_view",
    "assessment_detail",
    "help_create_view",
    "help_delete_view",
    "help_detail",
    "help_list",
    "help_person_search",
    "help_update_view",
    "person_file",
    "progress",
    "registration_attendance",
    "registration_cancel_view",
    "session_anonymous",
    "session_checkin",
    "session_create_view",
    "session_delete_view",
    "session_detail",
    "session_month",
    "session_past",
    "session_person_search",
    "session_register",
    "session_update_view",
    "session_walk_in",
    "session_week",
    "visit_counter",
    "visit_undo",
    "workshop_create_view",
    "workshop_list",
    "workshop_update_view",
]
