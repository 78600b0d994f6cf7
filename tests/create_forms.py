"""Every create form of the application, as the double-submit tests drive it (security.md row 24).

A case names who fills the form, the page that draws it, the URL it posts to, the values typed
over the form's own (the rest, the token included, are read from the page), and how many records
it has made. `count` counts what a second submission must not add: the created rows, or the
journal entries of a form that changes an existing record (exit, 3-month situation, register,
target).
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import reverse

from ceis.choices import JournalAction, Role
from ceis.models import JournalEntry, Person
from ceis.tests.factories import PersonFactory, UserFactory
from reporting.models import BilanDocument, BilanVersion
from unisvers.models import (
    Attendance,
    Cohort,
    CollectiveActivity,
    Enrollment,
    Event,
    FollowUp,
    Handover,
    MeetingDay,
    Testimonial,
)
from unisvers.tests.factories import CohortFactory, EnrollmentFactory
from villages.assessment import ALL_KEYS
from villages.choices import DigitalTheme
from villages.models import Assessment, IndividualHelp, Registration, Session, Visit, Workshop
from villages.tests.factories import SessionFactory, WorkshopFactory

D = datetime.date


@dataclass
class Case:
    user: object
    page: str
    action: str
    count: Callable[[], int]
    overrides: dict = field(default_factory=dict)


def _journal(object_type, action=JournalAction.UPDATE):
    return lambda: JournalEntry.objects.filter(object_type=object_type, action=action).count()


class World:
    """The people and things the forms need, on one site."""

    def __init__(self, site):
        self.site = site
        self.referent = UserFactory(role=Role.TRAVAILLEUR_SOCIAL, sites=[site])
        self.mediator = UserFactory(role=Role.MEDIATEUR_NUMERIQUE, sites=[site])
        self.manager = UserFactory(role=Role.MANAGER, sites=[site])
        self.volunteer = UserFactory(role=Role.VOLONTAIRE, sites=[site])
        self.cohort = CohortFactory(
            site=site, start_date=D(2026, 3, 2), end_date=D(2026, 4, 10), referents=[self.referent]
        )
        self.enrollment = EnrollmentFactory(cohort=self.cohort, entry_date=D(2026, 3, 2))
        self.person = PersonFactory(site=site, last_name="Vidalenc-Quérou", first_name="Inès")


def persons(w):
    return Case(
        w.referent,
        reverse("persons:create"),
        "",
        Person.objects.count,
        {"last_name": "Doublon", "first_name": "Jeanne", "site": str(w.site.pk)},
    )


def unisvers_new_person(w):
    url = reverse("unisvers:enroll_new_person", args=[w.cohort.public_id])
    return Case(
        w.referent, url, "", Person.objects.count, {"last_name": "Doublon", "first_name": "Paul"}
    )


def enrollment(w):
    url = reverse("unisvers:enroll_intake", args=[w.cohort.public_id, w.person.public_id])
    return Case(w.referent, url, "", Enrollment.objects.count, {"entry_date": "2026-03-02"})


def exit_(w):
    url = reverse("unisvers:enrollment_exit", args=[w.enrollment.public_id])
    overrides = {"exit_date": "2026-04-10", "exit_outcome": "formation"}
    return Case(w.referent, url, "", _journal("unisvers.enrollment"), overrides)


def situation_3m(w):
    # An enrollment of its own, so that the other cases keep one participant on the register.
    exited = EnrollmentFactory(cohort=w.cohort, entry_date=D(2026, 3, 2), exited=True)
    url = reverse("unisvers:enrollment_followup_3m", args=[exited.public_id])
    overrides = {"followup_3m_date": "2026-07-10", "followup_3m_situation": "iae"}
    return Case(w.referent, url, "", _journal("unisvers.enrollment"), overrides)


def situation_6m(w):
    exited = EnrollmentFactory(cohort=w.cohort, entry_date=D(2026, 3, 2), exited=True)
    url = reverse("unisvers:enrollment_followup_6m", args=[exited.public_id])
    overrides = {"followup_6m_date": "2026-10-12", "followup_6m_situation": "emploi_durable"}
    return Case(w.referent, url, "", _journal("unisvers.enrollment"), overrides)


def followup(w):
    page = reverse("unisvers:participant", args=[w.enrollment.person.public_id])
    action = reverse("unisvers:followup_create", args=[w.enrollment.person.public_id])
    overrides = {"date": "2026-03-12", "kind": "logement", "note": "Rendez-vous pris."}
    return Case(w.referent, page, action, FollowUp.objects.count, overrides)


def handover(w):
    colleague = UserFactory(role=Role.TRAVAILLEUR_SOCIAL, sites=[w.site])
    url = reverse("unisvers:enrollment_handover", args=[w.enrollment.public_id])
    overrides = {"to_user": str(colleague.pk), "confirm": "on"}
    return Case(w.referent, url, "", Handover.objects.count, overrides)


def testimonial(w):
    page = reverse("unisvers:participant", args=[w.enrollment.person.public_id])
    action = reverse("unisvers:testimonial_create", args=[w.enrollment.person.public_id])
    overrides = {"date": "2026-04-20", "display_name": "Sam", "quote": "Un vrai déclic."}
    return Case(w.referent, page, action, Testimonial.objects.count, overrides)


def cohort(w):
    overrides = {
        "site": str(w.site.pk),
        "name": "Promotion doublon",
        "start_date": "2026-09-07",
        "end_date": "2026-10-16",
        "weekdays": ["mon", "thu"],
        "capacity": "12",
        "referents": [str(w.referent.pk)],
    }
    return Case(w.referent, reverse("unisvers:cohort_create"), "", Cohort.objects.count, overrides)


def meeting_day(w):
    page = w.cohort.get_absolute_url()
    action = reverse("unisvers:meeting_day_add", args=[w.cohort.public_id])
    return Case(w.referent, page, action, MeetingDay.objects.count, {"date": "2026-03-07"})


def register(w):
    url = reverse("unisvers:register", args=[w.cohort.public_id, "2026-03-02"])
    return Case(w.referent, url, "", Attendance.objects.count)


def activity(w):
    url = reverse("unisvers:activity_create", args=[w.cohort.public_id])
    overrides = {
        "date": "2026-03-03",
        "space": "culture_sport_sante",
        "title": "Visite du musée",
        "duration_min": "120",
    }
    return Case(w.referent, url, "", CollectiveActivity.objects.count, overrides)


def event(w):
    overrides = {"site": str(w.site.pk), "date": "2026-06-20", "kind": "alumni", "title": "Anciens"}
    return Case(w.referent, reverse("unisvers:event_create"), "", Event.objects.count, overrides)


def target(w):
    overrides = {"site": str(w.site.pk), "year": "2027", "persons": "150"}
    url = reverse("unisvers:target_list")
    return Case(w.manager, url, "", _journal("unisvers.target", JournalAction.CREATE), overrides)


def workshop(w):
    overrides = {
        "title": "Premiers pas sur tablette",
        "theme": DigitalTheme.NAVIGATION_SUR_INTERNET,
    }
    url = reverse("villages:workshop_create")
    return Case(w.mediator, url, "", Workshop.objects.count, overrides)


def session(w):
    overrides = {
        "workshop": str(WorkshopFactory().pk),
        "site": str(w.site.pk),
        "date": "2030-01-08",
        "time": "14:00",
    }
    url = reverse("villages:session_create")
    return Case(w.mediator, url, "", Session.objects.count, overrides)


def registration(w):
    session = SessionFactory(site=w.site, capacity=1)
    page = reverse("villages:session_detail", args=[session.public_id]) + "?q=Vidalenc"
    action = reverse("villages:session_register", args=[session.public_id])
    return Case(w.mediator, page, action, Registration.objects.count)


def registration_new_person(w):
    session = SessionFactory(site=w.site, capacity=1)
    page = reverse("villages:session_detail", args=[session.public_id])
    action = reverse("villages:session_register", args=[session.public_id])
    overrides = {"nouvelle-last_name": "Doublon", "nouvelle-first_name": "Rose"}
    return Case(w.mediator, page, action, Registration.objects.count, overrides)


def walk_in(w):
    session = SessionFactory(site=w.site, capacity=1, today=True)
    page = reverse("villages:session_checkin", args=[session.public_id])
    action = reverse("villages:session_walk_in", args=[session.public_id])
    overrides = {"nouvelle-last_name": "Doublon", "nouvelle-first_name": "Léo"}
    return Case(w.mediator, page, action, Registration.objects.count, overrides)


def individual_help(w):
    page = reverse("villages:help_create") + f"?personne={w.person.public_id}"
    overrides = {"date": "2026-03-02", "duration_min": "25", "themes": ["email"]}
    return Case(w.mediator, page, "", IndividualHelp.objects.count, overrides)


def visit(w):
    return Case(w.volunteer, reverse("villages:visit_counter"), "", Visit.objects.count)


def assessment(w):
    overrides = {f"q_{key}": "1" for key in ALL_KEYS}
    overrides.update({"date": "2026-02-10", "internet_use_3m": "1", "owns_smartphone": "1"})
    url = reverse("villages:assessment_create", args=[w.person.public_id])
    return Case(w.mediator, url, "", Assessment.objects.count, overrides)


def appointment(w):
    from appointments.models import Appointment

    page = reverse("appointments:create") + f"?personne={w.person.public_id}"
    overrides = {
        "agent": w.mediator.username,
        "site": str(w.site.pk),
        "kind": "accompagnement_numerique",
        "date": "2026-03-03",
        "time": "10:00",
        "duration_min": "30",
    }
    return Case(w.mediator, page, "", Appointment.objects.count, overrides)


def partner(w):
    from coordination.models import Partner

    overrides = {"site": str(w.site.pk), "name": "Les Louveteaux", "category": "association"}
    url = reverse("coordination:partner_create")
    return Case(w.referent, url, "", Partner.objects.count, overrides)


def _orientation(w, user, url):
    from coordination.models import Orientation
    from coordination.tests.factories import PartnerFactory

    overrides = {"partner": str(PartnerFactory(site=w.site).pk), "date": "2026-04-10"}
    return Case(user, url, "", Orientation.objects.count, overrides)


def orientation_at_exit(w):
    exited = EnrollmentFactory(cohort=w.cohort, entry_date=D(2026, 3, 2), exited=True)
    url = reverse("coordination:orientation_from_exit", args=[exited.public_id])
    return _orientation(w, w.referent, url)


def orientation_from_followup(w):
    from unisvers.tests.factories import FollowUpFactory

    entry = FollowUpFactory(person=w.enrollment.person, enrollment=w.enrollment)
    url = reverse("coordination:orientation_from_followup", args=[entry.public_id])
    return _orientation(w, w.referent, url)


def orientation_from_help(w):
    from villages.tests.factories import IndividualHelpFactory

    help_ = IndividualHelpFactory(site=w.site, person=w.person, date=D(2026, 4, 10))
    url = reverse("coordination:orientation_from_help", args=[help_.public_id])
    return _orientation(w, w.mediator, url)


def bilan(w):
    overrides = {"preset": "custom", "date_from": "2026-01-01", "date_to": "2026-06-30"}
    overrides["site"] = str(w.site.pk)
    url = reverse("reporting:document_create")
    return Case(w.manager, url, "", BilanDocument.objects.count, overrides)


def bilan_version(w):
    from reporting.services import bilan_document_create

    document = bilan_document_create(
        user=w.manager, date_from=D(2026, 1, 1), date_to=D(2026, 6, 30), site=w.site
    )
    # "Générer le PDF" is the second button of the texts' form: it saves them, then asks.
    overrides = {"action": "generer"}
    return Case(w.manager, document.get_absolute_url(), "", BilanVersion.objects.count, overrides)


CREATE_FORMS = {
    "personne": persons,
    "personne (Unis'Vers)": unisvers_new_person,
    "inscription Unis'Vers": enrollment,
    "sortie": exit_,
    "situation à 3 mois": situation_3m,
    "situation à 6 mois": situation_6m,
    "suivi individuel": followup,
    "transmission du suivi": handover,
    "témoignage": testimonial,
    "promotion": cohort,
    "jour de rencontre": meeting_day,
    "registre": register,
    "activité collective": activity,
    "événement": event,
    "objectif": target,
    "atelier": workshop,
    "séance": session,
    "inscription à une séance": registration,
    "inscription d'une nouvelle personne": registration_new_person,
    "venue sur place": walk_in,
    "accompagnement": individual_help,
    "visite": visit,
    "diagnostic": assessment,
    "rendez-vous": appointment,
    "partenaire": partner,
    "orientation à la sortie": orientation_at_exit,
    "orientation lors d'un suivi": orientation_from_followup,
    "orientation lors d'un accompagnement": orientation_from_help,
    "bilan": bilan,
    "version du bilan": bilan_version,
}
