"""The free-access visit counter: one tap per arrival, undone by the same desk if mistaken."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from ceis import bounds
from ceis.decorators import object_permission_required, refuse_object
from ceis.perms import person_search_typed_enough
from ceis.submissions import single_submission

from .. import perms, selectors, services
from ..forms import (
    VisitForm,
)
from ._common import FORM_ERROR

# Free-access visits ------------------------------------------------------------------------


def _count_phrase(total: int) -> str:
    return f"{total} visite{'s' if total > 1 else ''} aujourd'hui"


@require_http_methods(["GET", "POST"])
@permission_required("villages.add_visit", raise_exception=True)
@single_submission
def visit_counter(request):
    if request.method == "POST":
        form = VisitForm(request.POST, user=request.user)
        if form.is_valid():
            data = form.cleaned_data
            _visit, counted = services.visit_tap(
                site=data["site"],
                person=data.get("person"),
                volunteer_help=data["volunteer_help"],
                user=request.user,
                request=request,
            )
            total = selectors.visit_counts_today(user=request.user)["total"]
            if counted:
                messages.success(request, f"Visite enregistrée. {_count_phrase(total)}.")
            else:
                messages.info(
                    request,
                    f"Cette visite venait d'être comptée : elle ne l'est qu'une fois. "
                    f"{_count_phrase(total)}.",
                )
            return redirect("villages:visit_counter")
        messages.error(request, FORM_ERROR)
    else:
        form = VisitForm(user=request.user, initial={"site": _last_visit_site(request.user)})
    query = bounds.clean_query(request.GET.get("q"))
    today = timezone.localdate()
    recent = list(selectors.visits_visible_to(request.user).filter(date=today)[:10])
    now = timezone.now()
    for visit in recent:
        visit.can_undo = perms.can_undo_visit(request.user, visit, now=now)
    context = {
        "form": form,
        "counts": selectors.visit_counts_today(user=request.user),
        "recent": recent,
        "q": query,
        "results": selectors.persons_for_registration(user=request.user, query=query)
        if person_search_typed_enough(request.user, query)
        else None,
        "show_site": len(request.user.site_list) > 1,
        "undo_minutes": int(perms.VISIT_UNDO_WINDOW.total_seconds() // 60),
    }
    return render(request, "villages/visits/counter.html", context)


@require_POST
@object_permission_required("villages.add_visit")
def visit_undo(request, public_id):
    """Undo a visit counted by mistake: by whoever counted it, shortly after (perms)."""
    visit = selectors.visit_get(public_id=public_id, user=request.user)
    if not perms.can_undo_visit(request.user, visit):
        refuse_object(request)
    services.visit_undo(visit=visit, user=request.user, request=request)
    total = selectors.visit_counts_today(user=request.user)["total"]
    messages.success(request, f"La visite est annulée. {_count_phrase(total)}.")
    return redirect("villages:visit_counter")


def _last_visit_site(user):
    last = selectors.visits_visible_to(user).filter(recorded_by=user).first()
    if last:
        return last.site_id
    return user.site_list[0].pk if user.site_list else None
