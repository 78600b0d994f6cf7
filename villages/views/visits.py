"""The free-access visit counter."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from ceis import bounds
from ceis.perms import person_search_typed_enough
from ceis.submissions import single_submission

from .. import selectors, services
from ..forms import (
    VisitForm,
)
from ._common import FORM_ERROR

# Free-access visits ------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@permission_required("villages.add_visit", raise_exception=True)
@single_submission
def visit_counter(request):
    if request.method == "POST":
        form = VisitForm(request.POST, user=request.user)
        if form.is_valid():
            data = form.cleaned_data
            services.visit_create(
                site=data["site"],
                person=data.get("person"),
                volunteer_help=data["volunteer_help"],
                user=request.user,
                request=request,
            )
            counts = selectors.visit_counts_today(user=request.user)
            total = counts["total"]
            messages.success(
                request,
                f"Visite enregistrée. {total} visite{'s' if total > 1 else ''} aujourd'hui.",
            )
            return redirect("villages:visit_counter")
        messages.error(request, FORM_ERROR)
    else:
        form = VisitForm(user=request.user, initial={"site": _last_visit_site(request.user)})
    query = bounds.clean_query(request.GET.get("q"))
    today = timezone.localdate()
    context = {
        "form": form,
        "counts": selectors.visit_counts_today(user=request.user),
        "recent": selectors.visits_visible_to(request.user).filter(date=today)[:10],
        "q": query,
        "results": selectors.persons_for_registration(user=request.user, query=query)
        if person_search_typed_enough(request.user, query)
        else None,
        "show_site": len(request.user.site_list) > 1,
    }
    return render(request, "villages/visits/counter.html", context)


def _last_visit_site(user):
    last = selectors.visits_visible_to(user).filter(recorded_by=user).first()
    if last:
        return last.site_id
    return user.site_list[0].pk if user.site_list else None
