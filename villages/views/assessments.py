"""Digital-skills assessments, and a person's Vill@ges file."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from ceis.choices import JournalAction
from ceis.decorators import object_permission_required, refuse_object
from ceis.selectors import person_get
from ceis.services import journal_record
from ceis.submissions import single_submission

from .. import perms, selectors, services
from ..assessment import (
    DOMAIN_THEMES,
    MEANINGS,
    QUESTIONS,
    score_changes,
    suggested_workshops,
    weak_domains,
)
from ..choices import SkillDomain, SkillLevel
from ..forms import (
    AssessmentForm,
)
from ._common import FORM_ERROR

# Assessments -------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@object_permission_required("villages.add_assessment")
@single_submission
def assessment_create_view(request, person_id):
    person = person_get(public_id=person_id, user=request.user)
    if request.method == "POST":
        form = AssessmentForm(request.POST, user=request.user)
        if form.is_valid():
            data = form.cleaned_data
            assessment = services.assessment_create(
                person=person,
                site=data["site"],
                date=data["date"],
                internet_use_3m=data["internet_use_3m"],
                answers=form.answers(),
                user=request.user,
                request=request,
                **form.equipment_values(),
            )
            messages.success(request, "Le diagnostic est enregistré.")
            return redirect(assessment)
        messages.error(request, FORM_ERROR)
    else:
        initial = {"site": person.site_id} if person.site in request.user.site_list else {}
        form = AssessmentForm(user=request.user, initial=initial)
    return render(request, "villages/assessments/form.html", {"form": form, "person": person})


@require_GET
@object_permission_required("villages.view_assessment")
def assessment_detail(request, public_id):
    assessment = selectors.assessment_get(public_id=public_id, user=request.user)
    journal_record(action=JournalAction.VIEW, user=request.user, obj=assessment, request=request)
    answers = assessment.answers or {}
    scores = _scores(assessment)
    previous = selectors.assessment_previous(assessment=assessment, user=request.user)
    changes = score_changes(scores, _scores(previous) if previous else None)
    domains = [
        {
            "label": SkillDomain(domain).label,
            "score": scores[domain],
            **changes[domain],
            "questions": [(text, answers.get(key)) for key, text in QUESTIONS[domain]],
        }
        for domain in SkillDomain.values
    ]
    themes = {theme for domain in weak_domains(scores) for theme in DOMAIN_THEMES[domain]}
    workshops = selectors.workshops_of_themes(themes=themes, user=request.user) if themes else []
    context = {
        "assessment": assessment,
        "previous": previous,
        "suggestions": [
            (SkillDomain(domain).label, scores[domain], chosen)
            for domain, chosen in suggested_workshops(scores, workshops)
        ],
        "domains": domains,
        "meaning": MEANINGS[SkillLevel(assessment.classification)],
        "has_answers": bool(answers),
    }
    return render(request, "villages/assessments/detail.html", context)


def _scores(assessment) -> dict[str, int]:
    return {domain: getattr(assessment, domain) for domain in SkillDomain.values}


# A person's Vill@ges file ------------------------------------------------------------------


@require_GET
@object_permission_required("villages.view_assessment")
def person_file(request, person_id):
    if not perms.can_view_person_history(request.user):
        refuse_object(request)
    person = person_get(public_id=person_id, user=request.user)
    journal_record(
        action=JournalAction.VIEW,
        user=request.user,
        obj=person,
        request=request,
        payload={"view": "villages"},
    )
    history = selectors.person_history(person=person, user=request.user)
    context = {
        "person": person,
        **history,
        "progress": progress(history["assessments"]),
        "can_log_help": perms.can_log_help(request.user),
        "can_assess": perms.can_assess(request.user),
    }
    return render(request, "villages/persons/detail.html", context)


def progress(assessments) -> dict | None:
    """First and latest classification, and whether it improved (indicators.md order)."""
    if len(assessments) < 2:
        return None
    first, latest = assessments[0], assessments[-1]
    delta = SkillLevel.rank(latest.classification) - SkillLevel.rank(first.classification)
    return {"first": first, "latest": latest, "delta": delta}
