"""The access matrix (security.md row 2), generated from the URL configuration.

Every named URL of the project × every role × (for URLs that name an object) an object of the
user's own site and one of another site, requested with GET and with an empty POST, answers what
`GET` and `POST` below declare. A URL of the URL configuration that is not declared fails
`test_every_url_is_declared`, so a new view cannot escape the matrix.

Each declaration lists the answers of the roles in `ROLES` order: travailleur_social (referent
of the site's cohort), mediateur_numerique, volontaire, manager, admin; for a URL that names an
object, "own site | other site". Tokens: a status code; `302` a redirect; `DENY` the answer
to a role that lacks the permission for an object's page (404 like another site's object, never
403); `403` a page without an object that the role may not open. All users belong to the first
site only, except admins, who see every site.
"""

import pytest
from django.db import transaction
from django.urls import reverse

from ceis.choices import JournalAction, Role
from ceis.models import JournalEntry
from ceis.tests.factories import SiteFactory
from tests.security_world import (
    OBJECT_KWARGS,
    ROLES,
    TOKEN_KWARGS,
    build_world,
    fingerprint,
    is_admin_url,
    remove_world_files,
    url_kwargs,
    walk_urls,
)

DENY = "404"

# Reporting pages take their period and site from the query string: the site plays the object.
QUERY = {
    "reporting:dashboard": lambda o: {"preset": "this_year", "site": o.site.pk},
    "reporting:export_json": lambda o: {"preset": "this_year", "site": o.site.pk},
    "reporting:export_xlsx": lambda o: {"preset": "this_year", "site": o.site.pk},
}

_ALL_405 = "405 405 405 405 405"
_OBJ_405 = f"{_ALL_405} | {_ALL_405}"

# fmt: off
GET = {
    # Shared core
    "home":                            "200 200 200 200 200",
    "healthz":                         "200 200 200 200 200",
    "journal":                         "403 403 403 403 200",
    "login":                           "302 302 302 302 302",
    "logout":                          _ALL_405,
    "password_change":                 "200 200 200 200 200",
    "password_change_done":            "200 200 200 200 200",
    "password_reset":                  "200 200 200 200 200",
    "password_reset_done":             "200 200 200 200 200",
    "password_reset_confirm":          "200 200 200 200 200",
    "password_reset_complete":         "200 200 200 200 200",
    "twofactor:setup":                 "200 200 200 200 200",
    "twofactor:verify":                "302 302 302 302 302",
    "twofactor:backup_codes":          _ALL_405,
    "package:index":                   "403 403 403 403 200",
    "package:upload":                  _ALL_405,
    "package:confirm":                 _ALL_405,
    "package:download":                _ALL_405,
    "package:template":                "403 403 403 403 200",
    # A long import's page: its author's only (the referent of the first site's cohort).
    "imports:job":                     "200 404 404 404 404 | 404 404 404 404 404",
    "imports:confirm":                 _OBJ_405,
    "imports:retry":                   _OBJ_405,
    "persons:list":                    "200 200 403 403 200",
    "persons:quick_search":            "200 200 200 403 200",
    "persons:create":                  "200 200 403 403 200",
    "persons:detail":                  "200 200 DENY DENY 200 | 404 404 404 DENY 200",
    "persons:update":                  "200 200 DENY DENY 200 | 404 404 DENY DENY 200",
    "persons:delete":                  "DENY DENY DENY DENY 200 | DENY DENY DENY DENY 200",
    "persons:export":                  "DENY DENY DENY DENY 200 | DENY DENY DENY DENY 200",
    "persons:merge":                   "DENY DENY DENY DENY 200 | DENY DENY DENY DENY 200",
    # Documents of a person: who opens the person's full file on its site (documents/perms.py).
    "documents:upload":                "200 200 DENY DENY 200 | 404 404 DENY DENY 200",
    # The world's document is in the Unis'Vers file: never the mediator's (security.md row 3).
    "documents:download":              "200 404 DENY DENY 200 | 404 404 DENY DENY 200",
    "documents:delete":                "200 404 DENY DENY 200 | 404 404 DENY DENY 200",
    "staff:list":                      "403 403 403 403 200",
    "staff:create":                    "403 403 403 403 200",
    "staff:update":                    "DENY DENY DENY DENY 200 | DENY DENY DENY DENY 200",
    "staff:invite":                    _OBJ_405,
    "staff:deactivate":                "DENY DENY DENY DENY 200 | DENY DENY DENY DENY 200",
    "staff:reactivate":                "DENY DENY DENY DENY 200 | DENY DENY DENY DENY 200",
    "staff:second_factor_reset":       "DENY DENY DENY DENY 200 | DENY DENY DENY DENY 200",
    # Unis'Vers
    "unisvers:cohort_list":            "200 403 403 200 200",
    "unisvers:todo":                   "200 403 403 403 200",
    "unisvers:cohort_create":          "200 403 403 403 200",
    "unisvers:cohort_detail":          "200 DENY DENY 200 200 | 404 DENY DENY 404 200",
    "unisvers:cohort_update":          "200 DENY DENY DENY 200 | 404 DENY DENY DENY 200",
    "unisvers:cohort_referents":       "DENY DENY DENY 200 200 | DENY DENY DENY 404 200",
    "unisvers:meeting_day_add":        _OBJ_405,
    "unisvers:meeting_day_remove":     "200 DENY DENY DENY 200 | 404 DENY DENY DENY 200",
    "unisvers:register":               "200 DENY DENY DENY 200 | 404 DENY DENY DENY 200",
    # Printables: the week's attendance sheet for who takes the register; the path summary for
    # the participant's referent (the world's social worker) and admins.
    "unisvers:attendance_sheet":       "200 DENY DENY DENY 200 | 404 DENY DENY DENY 200",
    "unisvers:path_summary":           "200 DENY DENY DENY 200 | 404 DENY DENY DENY 200",
    "unisvers:enroll_search":          "200 DENY DENY DENY 200 | 404 DENY DENY DENY 200",
    "unisvers:referral_import":        "200 DENY DENY DENY 200 | 404 DENY DENY DENY 200",
    "unisvers:enroll_new_person":      "200 DENY DENY DENY 200 | 404 DENY DENY DENY 200",
    "unisvers:enroll_intake":          "200 DENY DENY DENY 200 | 404 DENY DENY DENY 200",
    "unisvers:activity_create":        "200 DENY DENY DENY 200 | 404 DENY DENY DENY 200",
    "unisvers:activity_delete":        "200 DENY DENY DENY 200 | 404 DENY DENY DENY 200",
    "unisvers:enrollment_update":      "200 DENY DENY DENY 200 | 404 DENY DENY DENY 200",
    "unisvers:enrollment_delete":      "200 DENY DENY DENY 200 | 404 DENY DENY DENY 200",
    "unisvers:enrollment_exit":        "200 DENY DENY DENY 200 | 404 DENY DENY DENY 200",
    "unisvers:enrollment_followup_3m": "200 DENY DENY DENY 200 | 404 DENY DENY DENY 200",
    "unisvers:enrollment_followup_6m": "200 DENY DENY DENY 200 | 404 DENY DENY DENY 200",
    "unisvers:enrollment_handover":    "200 DENY DENY DENY 200 | 404 DENY DENY DENY 200",
    "unisvers:participant":            "200 DENY DENY DENY 200 | 404 DENY DENY DENY 200",
    "unisvers:followup_create":        _OBJ_405,
    "unisvers:followup_update":        "200 DENY DENY DENY 200 | 404 DENY DENY DENY 200",
    "unisvers:testimonial_create":     _OBJ_405,
    "unisvers:testimonial_list":       "200 403 403 200 200",
    "unisvers:testimonial_update":     "200 DENY DENY DENY 200 | 404 DENY DENY DENY 200",
    "unisvers:event_list":             "200 403 403 200 200",
    "unisvers:event_create":           "200 403 403 403 200",
    "unisvers:event_detail":           "200 DENY DENY 200 200 | 404 DENY DENY 404 200",
    "unisvers:target_list":            "200 403 403 200 200",
    # Vill@ges connectés (the workshop catalogue is shared by every site)
    "villages:workshop_list":          "403 200 403 200 200",
    "villages:workshop_create":        "403 200 403 403 200",
    "villages:workshop_update":        "DENY 200 DENY DENY 200 | DENY 200 DENY DENY 200",
    "villages:session_week":           "403 200 200 200 200",
    "villages:session_month":          "403 200 200 200 200",
    "villages:session_past":           "403 200 200 200 200",
    "villages:session_create":         "403 200 403 403 200",
    "villages:session_detail":         "DENY 200 DENY DENY 200 | DENY 404 DENY DENY 200",
    "villages:session_update":         "DENY 200 DENY DENY 200 | DENY 404 DENY DENY 200",
    "villages:session_delete":         "DENY 200 DENY DENY 200 | DENY 404 DENY DENY 200",
    "villages:session_register":       _OBJ_405,
    "villages:session_person_search":  "DENY 200 DENY DENY 200 | DENY 404 DENY DENY 200",
    "villages:session_checkin":        "DENY 200 200 DENY 200 | DENY 404 404 DENY 200",
    "villages:session_attendance_sheet": "DENY 200 200 DENY 200 | DENY 404 404 DENY 200",
    "villages:session_walk_in":        _OBJ_405,
    "villages:session_anonymous":      "DENY 200 200 DENY 200 | DENY 404 404 DENY 200",
    "villages:registration_cancel":    "DENY 200 DENY DENY 200 | DENY 404 DENY DENY 200",
    "villages:registration_attendance": _OBJ_405,
    "villages:help_list":              "403 200 403 403 200",
    "villages:help_create":            "403 200 403 403 200",
    "villages:help_person_search":     "200 200 200 403 200",
    "villages:help_detail":            "DENY 200 DENY DENY 200 | DENY 404 DENY DENY 200",
    "villages:help_update":            "DENY 200 DENY DENY 200 | DENY 404 DENY DENY 200",
    "villages:help_delete":            "DENY 200 DENY DENY 200 | DENY 404 DENY DENY 200",
    "villages:visit_counter":          "403 200 200 403 200",
    "villages:visit_undo":             _OBJ_405,
    "villages:assessment_create":      "DENY 200 DENY DENY 200 | DENY 404 DENY DENY 200",
    "villages:assessment_detail":      "DENY 200 DENY DENY 200 | DENY 404 DENY DENY 200",
    "villages:person_file":            "DENY 200 DENY DENY 200 | DENY 404 DENY DENY 200",
    # Appointments: the agents (social workers, mediators) of the site and admins; nothing
    # for managers (aggregates only) nor volunteers. The feed's token is unknown here: 404.
    "appointments:agenda_day":         "200 200 403 403 200",
    "appointments:agenda_week":        "200 200 403 403 200",
    "appointments:create":             "200 200 403 403 200",
    "appointments:update":             "200 200 DENY DENY 200 | 404 404 DENY DENY 200",
    "appointments:status":             _OBJ_405,
    "appointments:convocation_pdf":    "200 200 DENY DENY 200 | 404 404 DENY DENY 200",
    "appointments:hours":              "200 200 403 403 200",
    "appointments:feed_settings":      "200 200 403 403 200",
    "appointments:feed":               "404 404 404 404 404",
    # Messages: consent is given or withdrawn from the person's file (POST only); the templates
    # and sites' phones are the admins'; Brevo's webhook answers 404 without its secret.
    "messaging:consent":               _OBJ_405,
    "messaging:templates":             "403 403 403 403 200",
    "messaging:template_edit":         "403 403 403 403 200",
    "messaging:webhook_brevo":         _ALL_405,
    # Partners: read by the agents, edited by social workers and admins. Orientations: the
    # world's is made from the follow-up entry (row 17: its referent and admins); one is made
    # from a record the user reads (a help: who reads helps; a follow-up, an exit: Unis'Vers).
    "coordination:partner_list":       "200 200 403 403 200",
    "coordination:partner_create":     "200 403 403 403 200",
    "coordination:partner_update":     "200 DENY DENY DENY 200 | 404 DENY DENY DENY 200",
    "coordination:partner_delete":     "200 DENY DENY DENY 200 | 404 DENY DENY DENY 200",
    "coordination:orientation_from_followup": "200 404 DENY DENY 200 | 404 404 DENY DENY 200",
    "coordination:orientation_from_help":     "404 200 DENY DENY 200 | 404 404 DENY DENY 200",
    "coordination:orientation_from_exit":     "200 404 DENY DENY 200 | 404 404 DENY DENY 200",
    "coordination:orientation_detail":        "200 404 DENY DENY 200 | 404 404 DENY DENY 200",
    "coordination:orientation_status":        _OBJ_405,
    "coordination:orientation_sheet_pdf":     "200 404 DENY DENY 200 | 404 404 DENY DENY 200",
    # Reporting (aggregates: managers and admins)
    "reporting:dashboard":             "403 403 403 200 200 | 403 403 403 200 200",
    "reporting:export_json":           "403 403 403 200 200 | 403 403 403 404 200",
    "reporting:export_xlsx":           "403 403 403 200 200 | 403 403 403 404 200",
    "reporting:documents":             "403 403 403 200 200",
    "reporting:document_create":       "403 403 403 200 200",
    "reporting:document":              "DENY DENY DENY 200 200 | DENY DENY DENY 404 200",
    "reporting:generate":              _OBJ_405,
    "reporting:version_status":        "DENY DENY DENY 200 200 | DENY DENY DENY 404 200",
    "reporting:version_retry":         _OBJ_405,
    "reporting:version_download":      "DENY DENY DENY 200 200 | DENY DENY DENY 404 200",
    # The confirmation page; the world's version is ready, not published: no open data yet.
    "reporting:version_publish":       "DENY DENY DENY 200 200 | DENY DENY DENY 404 200",
    "reporting:version_opendata":      "DENY DENY DENY 404 404 | DENY DENY DENY 404 404",
}

# An empty POST: refused, or the form re-displayed with its errors (200), or a confirmation
# carried out on the user's own object (302). Never a change to another site's data.
POST = {
    "home":                            _ALL_405,
    "healthz":                         _ALL_405,
    "journal":                         _ALL_405,
    "login":                           "302 302 302 302 302",
    "logout":                          "302 302 302 302 302",
    "password_change":                 "200 200 200 200 200",
    "password_change_done":            _ALL_405,
    "password_reset":                  "200 200 200 200 200",
    "password_reset_done":             _ALL_405,
    "password_reset_confirm":          "200 200 200 200 200",
    "password_reset_complete":         _ALL_405,
    "twofactor:setup":                 "200 200 200 200 200",
    "twofactor:verify":                "302 302 302 302 302",
    "twofactor:backup_codes":          "302 302 302 302 302",
    "package:index":                   _ALL_405,
    "package:upload":                  "403 403 403 403 400",
    "package:confirm":                 "403 403 403 403 302",
    "package:download":                "403 403 403 403 200",
    "package:template":                _ALL_405,
    # An empty confirmation lacks its entry date (400); a job that did not fail has nothing to
    # relaunch (302). Another user's job is a 404, whatever the role.
    "imports:job":                     _OBJ_405,
    "imports:confirm":                 "400 404 404 404 404 | 404 404 404 404 404",
    "imports:retry":                   "302 404 404 404 404 | 404 404 404 404 404",
    "persons:list":                    _ALL_405,
    "persons:quick_search":            _ALL_405,
    "persons:create":                  "200 200 403 403 200",
    "persons:detail":                  _OBJ_405,
    "persons:update":                  "200 200 DENY DENY 200 | 404 404 DENY DENY 200",
    # The participant has a Unis'Vers record: the deletion is refused with a message (302).
    "persons:delete":                  "DENY DENY DENY DENY 302 | DENY DENY DENY DENY 302",
    "persons:export":                  _OBJ_405,
    "persons:merge":                   "DENY DENY DENY DENY 200 | DENY DENY DENY DENY 200",
    # An empty upload comes back with its errors; an empty confirmation deletes the document.
    "documents:upload":                "200 200 DENY DENY 200 | 404 404 DENY DENY 200",
    "documents:download":              _OBJ_405,
    "documents:delete":                "302 404 DENY DENY 302 | 404 404 DENY DENY 302",
    "staff:list":                      _ALL_405,
    "staff:create":                    "403 403 403 403 200",
    "staff:update":                    "DENY DENY DENY DENY 200 | DENY DENY DENY DENY 200",
    # The account already chose its password, is active, has no second factor: each action
    # is refused with a message on the account's page (302).
    "staff:invite":                    "DENY DENY DENY DENY 302 | DENY DENY DENY DENY 302",
    "staff:deactivate":                "DENY DENY DENY DENY 302 | DENY DENY DENY DENY 302",
    "staff:reactivate":                "DENY DENY DENY DENY 302 | DENY DENY DENY DENY 302",
    "staff:second_factor_reset":       "DENY DENY DENY DENY 302 | DENY DENY DENY DENY 302",
    "unisvers:cohort_list":            _ALL_405,
    "unisvers:todo":                   _ALL_405,
    "unisvers:cohort_create":          "200 403 403 403 200",
    "unisvers:cohort_detail":          _OBJ_405,
    "unisvers:cohort_update":          "200 DENY DENY DENY 200 | 404 DENY DENY DENY 200",
    "unisvers:cohort_referents":       "DENY DENY DENY 200 200 | DENY DENY DENY 404 200",
    "unisvers:meeting_day_add":        "302 DENY DENY DENY 302 | 404 DENY DENY DENY 302",
    "unisvers:meeting_day_remove":     "302 DENY DENY DENY 302 | 404 DENY DENY DENY 302",
    "unisvers:attendance_sheet":       _OBJ_405,
    "unisvers:path_summary":           _OBJ_405,
    "villages:session_attendance_sheet": _OBJ_405,
    "unisvers:register":               "302 DENY DENY DENY 302 | 404 DENY DENY DENY 302",
    "unisvers:enroll_search":          _OBJ_405,
    "unisvers:referral_import":        "400 DENY DENY DENY 400 | 404 DENY DENY DENY 400",
    "unisvers:enroll_new_person":      "200 DENY DENY DENY 200 | 404 DENY DENY DENY 200",
    "unisvers:enroll_intake":          "200 DENY DENY DENY 200 | 404 DENY DENY DENY 200",
    "unisvers:activity_create":        "200 DENY DENY DENY 200 | 404 DENY DENY DENY 200",
    "unisvers:activity_delete":        "302 DENY DENY DENY 302 | 404 DENY DENY DENY 302",
    "unisvers:enrollment_update":      "200 DENY DENY DENY 200 | 404 DENY DENY DENY 200",
    "unisvers:enrollment_delete":      "302 DENY DENY DENY 302 | 404 DENY DENY DENY 302",
    "unisvers:enrollment_exit":        "200 DENY DENY DENY 200 | 404 DENY DENY DENY 200",
    "unisvers:enrollment_followup_3m": "200 DENY DENY DENY 200 | 404 DENY DENY DENY 200",
    "unisvers:enrollment_followup_6m": "200 DENY DENY DENY 200 | 404 DENY DENY DENY 200",
    "unisvers:enrollment_handover":    "200 DENY DENY DENY 200 | 404 DENY DENY DENY 200",
    "unisvers:participant":            _OBJ_405,
    "unisvers:followup_create":        "200 DENY DENY DENY 200 | 404 DENY DENY DENY 200",
    "unisvers:followup_update":        "200 DENY DENY DENY 200 | 404 DENY DENY DENY 200",
    "unisvers:testimonial_create":     "200 DENY DENY DENY 200 | 404 DENY DENY DENY 200",
    "unisvers:testimonial_list":       _ALL_405,
    "unisvers:testimonial_update":     "200 DENY DENY DENY 200 | 404 DENY DENY DENY 200",
    "unisvers:event_list":             _ALL_405,
    "unisvers:event_create":           "200 403 403 403 200",
    "unisvers:event_detail":           "302 DENY DENY DENY 302 | 404 DENY DENY 404 302",
    "unisvers:target_list":            "403 403 403 200 200",
    "villages:workshop_list":          _ALL_405,
    "villages:workshop_create":        "403 200 403 403 200",
    "villages:workshop_update":        "DENY 200 DENY DENY 200 | DENY 200 DENY DENY 200",
    "villages:session_week":           _ALL_405,
    "villages:session_month":          _ALL_405,
    "villages:session_past":           _ALL_405,
    "villages:session_create":         "403 200 403 403 200",
    "villages:session_detail":         _OBJ_405,
    "villages:session_update":         "DENY 200 DENY DENY 200 | DENY 404 DENY DENY 200",
    "villages:session_delete":         "DENY 302 DENY DENY 302 | DENY 404 DENY DENY 302",
    "villages:session_register":       "DENY 200 DENY DENY 200 | DENY 404 DENY DENY 200",
    "villages:session_person_search":  _OBJ_405,
    "villages:session_checkin":        _OBJ_405,
    "villages:session_walk_in":        "DENY 200 200 DENY 200 | DENY 404 404 DENY 200",
    "villages:session_anonymous":      "DENY 302 302 DENY 302 | DENY 404 404 DENY 302",
    "villages:registration_cancel":    "DENY 302 DENY DENY 302 | DENY 404 DENY DENY 302",
    "villages:registration_attendance": "DENY 302 302 DENY 302 | DENY 404 404 DENY 302",
    "villages:help_list":              _ALL_405,
    "villages:help_create":            "403 200 403 403 200",
    "villages:help_person_search":     _ALL_405,
    "villages:help_detail":            _OBJ_405,
    "villages:help_update":            "DENY 200 DENY DENY 200 | DENY 404 DENY DENY 200",
    "villages:help_delete":            "DENY 302 DENY DENY 302 | DENY 404 DENY DENY 302",
    "villages:visit_counter":          "403 200 200 403 200",
    # A visit is undone by whoever counted it, shortly after (the world's visits were counted
    # by nobody of the matrix), or by an admin.
    "villages:visit_undo":             "DENY DENY DENY DENY 302 | DENY DENY DENY DENY 302",
    "villages:assessment_create":      "DENY 200 DENY DENY 200 | DENY 404 DENY DENY 200",
    "villages:assessment_detail":      _OBJ_405,
    "villages:person_file":            _OBJ_405,
    # An empty form is shown again with its errors; an unknown status goes back to the
    # appointment with a message (302); a new feed address for oneself (302).
    "appointments:agenda_day":         _ALL_405,
    "appointments:agenda_week":        _ALL_405,
    "appointments:create":             "200 200 403 403 200",
    "appointments:update":             "200 200 DENY DENY 200 | 404 404 DENY DENY 200",
    "appointments:status":             "302 302 DENY DENY 302 | 404 404 DENY DENY 302",
    "appointments:convocation_pdf":    _OBJ_405,
    "appointments:hours":              "200 200 403 403 200",
    "appointments:feed_settings":      "302 302 403 403 302",
    "appointments:feed":               _ALL_405,
    # An empty consent goes back to the file with its error (302); an empty template or phone
    # is shown again with its errors; the webhook without its secret is a 404.
    "messaging:consent":               "302 302 DENY DENY 302 | 404 404 DENY DENY 302",
    "messaging:templates":             "403 403 403 403 200",
    "messaging:template_edit":         "403 403 403 403 200",
    "messaging:webhook_brevo":         "404 404 404 404 404",
    # An empty form is shown again with its errors; the world's partner is used by its
    # orientations: its deletion is refused on the confirmation page.
    "coordination:partner_list":       _ALL_405,
    "coordination:partner_create":     "200 403 403 403 200",
    "coordination:partner_update":     "200 DENY DENY DENY 200 | 404 DENY DENY DENY 200",
    "coordination:partner_delete":     "200 DENY DENY DENY 200 | 404 DENY DENY DENY 200",
    "coordination:orientation_from_followup": "200 404 DENY DENY 200 | 404 404 DENY DENY 200",
    "coordination:orientation_from_help":     "404 200 DENY DENY 200 | 404 404 DENY DENY 200",
    "coordination:orientation_from_exit":     "200 404 DENY DENY 200 | 404 404 DENY DENY 200",
    "coordination:orientation_detail":        _OBJ_405,
    "coordination:orientation_status":        "200 404 DENY DENY 200 | 404 404 DENY DENY 200",
    "coordination:orientation_sheet_pdf":     _OBJ_405,
    "reporting:dashboard":             f"{_ALL_405} | {_ALL_405}",
    "reporting:export_json":           f"{_ALL_405} | {_ALL_405}",
    "reporting:export_xlsx":           f"{_ALL_405} | {_ALL_405}",
    "reporting:documents":             _ALL_405,
    "reporting:document_create":       "403 403 403 200 200",
    "reporting:document":              "DENY DENY DENY 200 200 | DENY DENY DENY 404 200",
    "reporting:generate":              "DENY DENY DENY 302 302 | DENY DENY DENY 404 302",
    "reporting:version_status":        _OBJ_405,
    "reporting:version_retry":         "DENY DENY DENY 302 302 | DENY DENY DENY 404 302",
    "reporting:version_download":      _OBJ_405,
    "reporting:version_publish":       "DENY DENY DENY 302 302 | DENY DENY DENY 404 302",
    "reporting:version_opendata":      _OBJ_405,
}
# fmt: on

URLS = walk_urls()
NAMES = sorted(name for name in URLS if not is_admin_url(name))
ADMIN_NAMES = sorted(name for name in URLS if is_admin_url(name))


def _expected(table, name, role, scope) -> str:
    parts = [part.split() for part in table[name].split("|")]
    row = parts[0] if scope == "own" else parts[1]
    token = row[ROLES.index(role)]
    return DENY if token == "DENY" else token


def _scoped(name) -> bool:
    return name in OBJECT_KWARGS or name in QUERY


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """One world for the module, rolled back at its end; each test runs in a savepoint."""
    with django_db_blocker.unblock(), transaction.atomic():
        built = build_world(SiteFactory(code="CEIS"), SiteFactory(code="AUTRE"))
        yield built
        transaction.set_rollback(True)
    remove_world_files(built)


def _request(client, world, name, scope, method):
    objects = world.objects(scope)
    url = reverse(name, kwargs=url_kwargs(name, URLS[name], objects))
    data = QUERY[name](objects) if name in QUERY and method == "get" else {}
    return getattr(client, method)(url, data)


def test_every_url_is_declared():
    """A view added to the URL configuration fails here until its row of the matrix exists."""
    missing = [name for name in NAMES if name not in GET or name not in POST]
    assert not missing, f"URL sans ligne dans la matrice d'accès : {missing}"
    objects_missing = [
        name
        for name in NAMES
        if URLS[name] and name not in OBJECT_KWARGS and name not in TOKEN_KWARGS
    ]
    assert not objects_missing, f"URL à objet sans objet déclaré : {objects_missing}"


def test_no_declared_url_is_stale():
    stale = sorted((set(GET) | set(POST) | set(OBJECT_KWARGS) | set(QUERY)) - set(NAMES))
    assert not stale, f"Lignes de la matrice sans URL : {stale}"


def test_every_object_url_has_both_sites():
    for table in (GET, POST):
        for name in NAMES:
            assert (table[name].count("|") == 1) == _scoped(name), name


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", NAMES)
def test_get(client, world, name, role):
    client.force_login(world.users[role])
    for scope in ("own", "other") if _scoped(name) else ("own",):
        expected = _expected(GET, name, role, scope)
        response = _request(client, world, name, scope, "get")
        assert str(response.status_code) == expected, (scope, response.status_code)
        if expected == "404" and scope == "other":
            body = response.content.decode(errors="replace")
            assert world.other.person.last_name not in body
            assert world.other.markers.cohort not in body


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", NAMES)
def test_empty_post(client, world, name, role):
    client.force_login(world.users[role])
    for scope in ("own", "other") if _scoped(name) else ("own",):
        expected = _expected(POST, name, role, scope)
        before = fingerprint(world.other_site)
        sid = transaction.savepoint()
        response = _request(client, world, name, scope, "post")
        assert str(response.status_code) == expected, (scope, response.status_code)
        if role != Role.ADMIN:
            assert fingerprint(world.other_site) == before, "another site's data changed"
        transaction.savepoint_rollback(sid)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", ADMIN_NAMES)
def test_django_admin(client, world, name, role):
    """Django's admin is for superusers only (security.md row 19): every role, the admin role
    included, gets the 403 page on every admin URL and sees nothing of it."""
    client.force_login(world.users[role])
    url = reverse(name, kwargs=url_kwargs(name, URLS[name], world.own))
    response = client.get(url, follow=True)
    assert response.status_code == 403, response.status_code
    assert world.own.person.last_name not in response.content.decode(errors="replace")


# URLs naming two objects: the first of the user's own site, the second of another site.
MIXED = {
    "unisvers:enroll_intake": lambda w: {
        "public_id": w.own.cohort.public_id,
        "person_id": w.other.newcomer.public_id,
    },
    "unisvers:activity_delete": lambda w: {
        "public_id": w.own.cohort.public_id,
        "activity_id": w.other.activity.public_id,
    },
    "unisvers:meeting_day_remove": lambda w: {
        "public_id": w.own.cohort.public_id,
        "day": "2026-03-04",  # a Wednesday: not a meeting day of the cohort
    },
}


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("name", sorted(MIXED))
def test_an_own_object_does_not_open_another_sites_object(client, world, name, method):
    """The second object of a URL is looked up inside the first, or through the user's scope:
    another site's activity under one's own cohort is a 404, and so is another site's person
    for a social worker (an admin, who works for every site, may enrol them)."""
    assert set(MIXED[name](world)) == URLS[name]
    url = reverse(name, kwargs=MIXED[name](world))
    for role in (Role.TRAVAILLEUR_SOCIAL, Role.ADMIN):
        client.force_login(world.users[role])
        before = fingerprint(world.other_site)
        response = getattr(client, method)(url)
        admin_may = role == Role.ADMIN and name == "unisvers:enroll_intake"
        assert response.status_code == (200 if admin_may else 404), role
        assert fingerprint(world.other_site) == before


@pytest.mark.django_db
def test_a_refused_objects_page_is_a_journalled_404(client, world):
    """The manager may not open a person's file: the same 404 page as a missing person, and the
    refusal is in the access journal (security.md row 4)."""
    client.force_login(world.users[Role.MANAGER])
    url = reverse("persons:detail", kwargs={"public_id": world.own.person.public_id})
    response = client.get(url)
    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()
    assert world.own.person.last_name not in response.content.decode()
    entry = JournalEntry.objects.get(action=JournalAction.ACCESS_REFUSED)
    assert (entry.user, entry.object_ref) == (world.users[Role.MANAGER], url)


# Security.md row 17: a follow-up entry belongs to the enrollment it was written in -------------

ROW_17_USERS = {
    "referent": lambda w: w.users[Role.TRAVAILLEUR_SOCIAL],
    "self_referent": lambda w: w.ts_self_referent,
    "handed_over": lambda w: w.ts_handed_over,
    "other_referent": lambda w: w.elsewhere[Role.TRAVAILLEUR_SOCIAL],
    "admin": lambda w: w.users[Role.ADMIN],
}
ROW_17_ENTRIES = {
    "own": lambda w: w.own.followup,  # written in the first site's cohort by its referent
    "moved": lambda w: w.moved.followup,  # written on the other site before the person moved
}
# (who, entry) → the answer of the entry's edit page, GET and POST alike.
ROW_17 = {
    ("referent", "own"): 200,
    ("handed_over", "own"): 200,
    ("admin", "own"): 200,
    # Referent of their own cohort, where they enrolled the participant: nothing earlier.
    ("self_referent", "own"): 404,
    # The person moved to the referent's site and was enrolled in the referent's cohort.
    ("referent", "moved"): 404,
    ("self_referent", "moved"): 404,
    ("handed_over", "moved"): 404,
    # The referent of the cohort the entry was written in keeps it after the move.
    ("other_referent", "moved"): 200,
    ("admin", "moved"): 200,
}


@pytest.mark.django_db
@pytest.mark.parametrize(("who", "entry"), sorted(ROW_17))
def test_a_followup_entry_opens_only_to_its_enrollments_referents(client, world, who, entry):
    followup = type(ROW_17_ENTRIES[entry](world)).objects.get(pk=ROW_17_ENTRIES[entry](world).pk)
    client.force_login(ROW_17_USERS[who](world))
    url = reverse("unisvers:followup_update", kwargs={"public_id": followup.public_id})
    expected = ROW_17[who, entry]
    response = client.get(url)
    assert response.status_code == expected
    body = response.content.decode()
    assert (followup.note in body) is (expected == 200)
    sid = transaction.savepoint()
    data = {"date": "2026-03-10", "kind": "entretien", "note": "Réécrite", "orientation": ""}
    response = client.post(url, data)
    assert response.status_code == (302 if expected == 200 else 404)
    followup.refresh_from_db()
    assert (followup.note == "Réécrite") is (expected == 200)
    # The entry stays in its enrollment whoever edits it.
    assert followup.enrollment_id == ROW_17_ENTRIES[entry](world).enrollment_id
    transaction.savepoint_rollback(sid)


# (who, whose page) → the entries of that page they read.
ROW_17_PAGES = {
    ("referent", "own"): ["own"],
    ("handed_over", "own"): ["own"],
    ("self_referent", "own"): [],
    ("referent", "moved"): [],
    ("other_referent", "moved"): ["moved"],
    ("admin", "moved"): ["moved"],
}


@pytest.mark.django_db
@pytest.mark.parametrize(("who", "page"), sorted(ROW_17_PAGES))
def test_the_participant_page_shows_only_the_entries_of_enrollments_in_charge(
    client, world, who, page
):
    """Note, orientation text and kind of an entry reach the page of who reads it, no one
    else; the referents of a person who moved away still open the person's page."""
    person = world.own.person if page == "own" else world.moved.person
    client.force_login(ROW_17_USERS[who](world))
    response = client.get(reverse("unisvers:participant", kwargs={"public_id": person.public_id}))
    assert response.status_code == 200
    body = response.content.decode()
    for entry, getter in ROW_17_ENTRIES.items():
        followup = getter(world)
        shown = entry in ROW_17_PAGES[who, page]
        assert (followup.note in body) is shown, entry
        assert (followup.orientation in body) is shown, entry
    if page == "moved" and who != "admin" and who != "other_referent":
        # Neither the cohort the entries were written in nor its intake.
        assert world.other.markers.cohort not in body
        assert world.moved.markers.adviser not in body
    if not ROW_17_PAGES[who, page]:
        assert "Suivi individuel (0)" in body


@pytest.mark.django_db
def test_a_self_made_referent_cannot_write_in_a_colleagues_enrollment(client, world):
    """The form only offers the enrollments one is in charge of; posting another one's id is
    refused with the form, and nothing is written."""
    client.force_login(world.ts_self_referent)
    url = reverse("unisvers:followup_create", kwargs={"public_id": world.own.person.public_id})
    before = world.own.enrollment.followups.count()
    sid = transaction.savepoint()
    data = {"date": "2026-03-12", "kind": "entretien", "note": "Intrusion"}
    response = client.post(url, {**data, "enrollment": world.own.enrollment.pk})
    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in response.content.decode()
    assert world.own.enrollment.followups.count() == before
    transaction.savepoint_rollback(sid)


@pytest.mark.django_db
def test_the_scenarios_leak_with_the_old_person_scoped_rule_and_not_with_the_new_one(world):
    """The rule before row 17: a social worker read every entry of a person of their sites as
    soon as they were a referent of any of the person's cohorts. Both scenarios of the issue
    leak under it; `followups_visible_to` closes them."""
    from ceis.selectors import persons_visible_to
    from unisvers.models import FollowUp
    from unisvers.selectors import followups_visible_to

    def old_rule(user, person):
        cohorts = [
            e.cohort for e in person.unisvers_enrollments.filter(cohort__site__in=user.sites.all())
        ]
        referent = any(user in cohort.referents.all() for cohort in cohorts)
        visible = FollowUp.objects.filter(person__in=persons_visible_to(user).values("pk"))
        return set(visible.filter(person=person)) if referent else set()

    referent = world.users[Role.TRAVAILLEUR_SOCIAL]
    moved, own = world.moved.followup, world.own.followup
    # The person moved to the referent's site and was enrolled in the referent's cohort.
    assert moved in old_rule(referent, world.moved.person)
    assert moved not in followups_visible_to(referent)
    # A self-made referent enrolled the colleague's participant in their own cohort.
    assert own in old_rule(world.ts_self_referent, world.own.person)
    assert own not in followups_visible_to(world.ts_self_referent)
    # Those in charge still read their entries.
    assert own in followups_visible_to(referent)
    assert moved in followups_visible_to(world.elsewhere[Role.TRAVAILLEUR_SOCIAL])
    assert own in followups_visible_to(world.ts_handed_over)
