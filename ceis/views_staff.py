"""The staff screen (`/equipe/`, admins): list, create with an invitation, edit, deactivate,
reactivate, reset the second factor. Every write goes through `ceis.staff` and is journalled."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from .decorators import object_permission_required
from .forms_staff import StaffFilter, StaffForm
from .pagination import paginate
from .staff import (
    StaffError,
    invitation_hours,
    invitation_pending,
    member_role_codes,
    role_labels,
    staff_create,
    staff_deactivate,
    staff_get,
    staff_invitation_send,
    staff_reactivate,
    staff_second_factor_reset,
    staff_update,
    staff_visible_to,
)
from .submissions import single_submission

INVITATION_FAILED = (
    "L'invitation n'a pas pu être envoyée (serveur de messagerie indisponible) : "
    "réessayez avec « Renvoyer l'invitation »."
)


def _edit_url(member) -> str:
    return reverse("staff:update", kwargs={"username": member.username})


def _rows(page):
    """Each account of the page with its roles in French (from the prefetched groups)."""
    for member in page.object_list:
        superuser = ["Superutilisateur"] if member.is_superuser else []
        member.role_names = superuser + role_labels(member_role_codes(member))
        member.pending = invitation_pending(member)
    return page


@require_GET
@permission_required("ceis.view_user", raise_exception=True)
def staff_list(request):
    staff_filter = StaffFilter(request.GET, queryset=staff_visible_to(request.user))
    page = _rows(paginate(request, staff_filter.qs))
    context = {"filter": staff_filter, "page": page}
    template = "ceis/staff/_table.html" if request.htmx else "ceis/staff/list.html"
    return render(request, template, context)


def _form_fields(form) -> dict:
    data = form.cleaned_data
    return {
        "first_name": data["first_name"].strip(),
        "last_name": data["last_name"].strip(),
        "email": data["email"].strip(),
        "roles": list(data["roles"]),
        "sites": list(data["sites"]),
    }


@require_http_methods(["GET", "POST"])
@permission_required("ceis.add_user", raise_exception=True)
@single_submission
def staff_create_view(request):
    form = StaffForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            member, sent = staff_create(
                by=request.user,
                request=request,
                username=form.cleaned_data["username"],
                **_form_fields(form),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if sent:
                messages.success(
                    request,
                    f"Le compte de {member} est créé (identifiant « {member.username} ») ; "
                    f"l'invitation est envoyée à {member.email}, valable {invitation_hours()} "
                    "heures.",
                )
            else:
                messages.warning(request, f"Le compte de {member} est créé. {INVITATION_FAILED}")
            return redirect(_edit_url(member))
    return render(
        request,
        "ceis/staff/form.html",
        {"form": form, "creating": True, "hours": invitation_hours()},
    )


@require_http_methods(["GET", "POST"])
@object_permission_required("ceis.change_user")
def staff_update_view(request, username):
    member = staff_get(username=username, user=request.user)
    form = StaffForm(request.POST or None, member=member)
    if request.method == "POST" and form.is_valid():
        try:
            changed = staff_update(
                member=member, by=request.user, request=request, **_form_fields(form)
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if changed:
                messages.success(
                    request, f"Les modifications du compte de {member} sont enregistrées."
                )
            else:
                messages.info(request, "Aucune modification.")
            if "email" in changed and invitation_pending(member) and member.is_active:
                # The link of the previous invitation stopped working with the old address.
                _send_again(request, member)
            return redirect(_edit_url(member))
    context = {
        "form": form,
        "member": member,
        "creating": False,
        "role_names": role_labels(member_role_codes(member)),
        "pending": invitation_pending(member),
        "is_self": member.pk == request.user.pk,
        "hours": invitation_hours(),
    }
    return render(request, "ceis/staff/form.html", context)


def _send_again(request, member):
    try:
        sent = staff_invitation_send(member=member, by=request.user, request=request)
    except StaffError as error:
        messages.error(request, str(error))
    else:
        if sent:
            messages.success(
                request,
                f"Une nouvelle invitation est envoyée à {member.email}, valable "
                f"{invitation_hours()} heures.",
            )
        else:
            messages.error(request, INVITATION_FAILED)


@require_POST
@object_permission_required("ceis.change_user")
def staff_invite_view(request, username):
    member = staff_get(username=username, user=request.user)
    _send_again(request, member)
    return redirect(_edit_url(member))


# The confirmations: GET shows what will happen, POST does it (security.md row 9).
CONFIRMATIONS = {
    "deactivate": {
        "service": staff_deactivate,
        "title": "Désactiver le compte de {member} ?",
        "text": "Cette personne ne pourra plus se connecter, et ses sessions ouvertes se "
        "ferment immédiatement. Rien n'est supprimé : ses fiches et le journal gardent son "
        "nom, et le compte peut être réactivé.",
        "button": "Oui, désactiver le compte",
        "danger": True,
        "done": "Le compte de {member} est désactivé ; ses sessions sont fermées.",
    },
    "reactivate": {
        "service": staff_reactivate,
        "title": "Réactiver le compte de {member} ?",
        "text": "Cette personne pourra de nouveau se connecter avec son mot de passe, avec les "
        "rôles et les sites indiqués sur sa fiche.",
        "button": "Oui, réactiver le compte",
        "danger": False,
        "done": "Le compte de {member} est réactivé.",
    },
    "second_factor_reset": {
        "service": staff_second_factor_reset,
        "title": "Réinitialiser la double authentification de {member} ?",
        "text": "À faire quand la personne a perdu ou changé de téléphone. Son application "
        "d'authentification et ses codes de secours cessent de fonctionner ; à sa prochaine "
        "connexion, elle configure une nouvelle application.",
        "button": "Oui, réinitialiser",
        "danger": True,
        "done": "La double authentification de {member} est réinitialisée.",
    },
}


def _confirm(request, username, action):
    member = staff_get(username=username, user=request.user)
    step = CONFIRMATIONS[action]
    if request.method == "POST":
        try:
            step["service"](member=member, by=request.user, request=request)
        except StaffError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, step["done"].format(member=member))
        return redirect(_edit_url(member))
    context = {
        "member": member,
        "title": step["title"].format(member=member),
        "text": step["text"],
        "button": step["button"],
        "danger": step["danger"],
        "is_self": member.pk == request.user.pk and action == "deactivate",
    }
    return render(request, "ceis/staff/confirm.html", context)


@require_http_methods(["GET", "POST"])
@object_permission_required("ceis.change_user")
def staff_deactivate_view(request, username):
    return _confirm(request, username, "deactivate")


@require_http_methods(["GET", "POST"])
@object_permission_required("ceis.change_user")
def staff_reactivate_view(request, username):
    return _confirm(request, username, "reactivate")


@require_http_methods(["GET", "POST"])
@object_permission_required("ceis.change_user")
def staff_second_factor_reset_view(request, username):
    return _confirm(request, username, "second_factor_reset")
