"""Merging two person records (admins): choose the other record, compare and choose each field,
confirm, merge (ceis.merge). One URL: `?avec=<uuid>` names the record merged into this one."""

import uuid

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from . import bounds, perms
from .choices import JournalAction
from .decorators import object_permission_required, refuse_object
from .forms_merge import MergeForm
from .merge import MergeConflict, merge_preview, persons_merge
from .selectors import person_duplicates, person_get, person_search, persons_visible_to
from .services import journal_record

CANDIDATES_SHOWN = 20


def _other(request, kept):
    raw = request.POST.get("avec") or request.GET.get("avec")
    if not raw:
        return None
    try:
        public_id = uuid.UUID(raw)
    except ValueError:
        raise Http404("Personne introuvable.") from None
    if public_id == kept.public_id:
        messages.error(request, "Choisissez une autre fiche que celle-ci.")
        return None
    return person_get(public_id=public_id, user=request.user)


@require_http_methods(["GET", "POST"])
@object_permission_required("ceis.delete_person")
def person_merge_view(request, public_id):
    if not perms.can_merge_persons(request.user):
        refuse_object(request)
    kept = person_get(public_id=public_id, user=request.user)
    removed = _other(request, kept)
    if removed is None:
        return _choose(request, kept)
    form = MergeForm(request.POST or None, kept=kept, removed=removed)
    context = {"kept": kept, "removed": removed, "form": form}
    if request.method == "POST" and form.is_valid():
        if "confirmer" not in request.POST:
            context |= {"result": form.result(), "preview": merge_preview(removed=removed)}
            return render(request, "ceis/persons/merge_confirm.html", context)
        try:
            result = persons_merge(
                kept=kept,
                removed=removed,
                choices=form.choices(),
                user=request.user,
                request=request,
            )
        except MergeConflict as error:
            context["conflict"] = error.messages
        else:
            moved = sum(result.moved.values())
            plural = "s" if moved > 1 else ""
            messages.success(
                request,
                f"Les deux fiches sont fusionnées : {moved} enregistrement{plural} "
                f"rattaché{plural} à la fiche de {result.kept}.",
            )
            return redirect(result.kept)
    journal_record(action=JournalAction.VIEW, user=request.user, obj=removed, request=request)
    return render(request, "ceis/persons/merge.html", context)


def _choose(request, kept):
    """The records that may be the same person, and a search for another one."""
    query = bounds.clean_query(request.GET.get("q"))
    duplicates = person_duplicates(
        user=request.user,
        last_name=kept.last_name,
        first_name=kept.first_name,
        birth_date=kept.birth_date,
        birth_year=kept.birth_year,
        exclude_pk=kept.pk,
    )
    found = []
    if query:
        found = list(
            person_search(persons_visible_to(request.user), query).exclude(pk=kept.pk)[
                :CANDIDATES_SHOWN
            ]
        )
    context = {"kept": kept, "duplicates": duplicates, "found": found, "query": query}
    return render(request, "ceis/persons/merge_choose.html", context)
