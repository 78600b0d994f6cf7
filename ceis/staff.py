"""Staff accounts managed by admins in the application (security.md row 19): reads scoped to the
admin, and the writes (create with an invitation, edit, deactivate, reactivate, second-factor
reset), each journalled.

A new account has no password: the invitation e-mail carries a set-password link made by
Django's token generator, valid `PASSWORD_RESET_TIMEOUT` seconds (72 hours by default). The link
stops working once the password is chosen, or when the e-mail address changes.
"""

import logging
from smtplib import SMTPException

from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp.plugins.otp_static.models import StaticDevice

from . import perms
from .choices import JournalAction, Role
from .models import Site, TOTPDevice, User
from .services import journal_record
from .text import normalize_name

logger = logging.getLogger(__name__)


class StaffError(Exception):
    """A refused staff action, with its reason in French for the admin."""


def invitation_hours() -> int:
    return settings.PASSWORD_RESET_TIMEOUT // 3600


def role_labels(codes) -> list[str]:
    """French names of role codes, in the order of `Role` (never a code on screen)."""
    return [role.label for role in Role if role.value in set(codes)]


# Reads --------------------------------------------------------------------------------------


def staff_visible_to(user) -> QuerySet[User]:
    """The accounts an admin manages: every account, except superusers for an admin who is not
    one (a superuser's e-mail or second factor in other hands would open the Django admin)."""
    if not (user.is_authenticated and perms.can_manage_staff(user)):
        return User.objects.none()
    qs = User.objects.annotate(
        has_second_factor=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True))
    ).prefetch_related(
        Prefetch("groups", queryset=Group.objects.filter(name__in=Role.values).order_by("name")),
        Prefetch("sites", queryset=Site.objects.order_by("name")),
    )
    if not user.is_superuser:
        qs = qs.filter(is_superuser=False)
    return qs


def staff_get(*, username: str, user) -> User:
    """The account named `username` if `user` manages it; 404 otherwise."""
    try:
        return staff_visible_to(user).get(username=username)
    except User.DoesNotExist:
        raise Http404("Compte introuvable.") from None


def staff_search(queryset: QuerySet[User], query: str) -> QuerySet[User]:
    condition = Q()
    for term in query.split():
        condition &= (
            Q(last_name__icontains=term)
            | Q(first_name__icontains=term)
            | Q(username__icontains=term)
            | Q(email__icontains=term)
        )
    return queryset.filter(condition)


def member_role_codes(member: User) -> list[str]:
    """Role codes of an account from its prefetched groups (no query on a list)."""
    return sorted(group.name for group in member.groups.all() if group.name in Role.values)


def invitation_pending(member: User) -> bool:
    """The account has never chosen a password (created from the staff screen)."""
    return not member.has_usable_password()


# Writes -------------------------------------------------------------------------------------


def _username_for(first_name: str, last_name: str) -> str:
    """`prenom.nom` in plain ASCII, with a number when it is already taken."""
    base = ".".join(
        part for part in (normalize_name(first_name), normalize_name(last_name)) if part
    )
    base = base[:140] or "agent"
    candidate, number = base, 1
    while User.objects.filter(username__iexact=candidate).exists():
        number += 1
        candidate = f"{base}{number}"
    return candidate


def _check_email_free(email: str, *, member: User | None = None):
    others = User.objects.filter(email__iexact=email)
    if member is not None:
        others = others.exclude(pk=member.pk)
    if email and others.exists():
        raise ValidationError({"email": "Cette adresse e-mail est déjà celle d'un autre compte."})


def _set_roles(member: User, roles: list[str]):
    """Replace the role groups of `member`; groups that are not roles are kept."""
    member.groups.remove(*member.groups.filter(name__in=Role.values))
    member.groups.add(*Group.objects.filter(name__in=roles))


def _check_roles_and_sites(roles: list[str], sites) -> None:
    if not roles:
        raise ValidationError({"roles": "Choisissez au moins un rôle."})
    if Role.ADMIN not in roles and not list(sites):
        raise ValidationError(
            {"sites": "Choisissez au moins un site : sans site, ce compte ne verrait rien."}
        )


@transaction.atomic
def _staff_create_account(
    *, by, request, first_name, last_name, email, roles, sites, username=""
) -> User:
    _check_roles_and_sites(roles, sites)
    _check_email_free(email)
    member = User(
        username=username or _username_for(first_name, last_name),
        first_name=first_name,
        last_name=last_name,
        email=email,
    )
    member.set_unusable_password()
    member.full_clean()
    member.save()
    _set_roles(member, roles)
    member.sites.set(sites)
    journal_record(
        action=JournalAction.CREATE,
        user=by,
        obj=member,
        request=request,
        payload={"roles": sorted(roles), "sites": sorted(site.code for site in sites)},
    )
    return member


def staff_create(
    *, by, request, first_name, last_name, email, roles, sites, username=""
) -> tuple[User, bool]:
    """Create an account without a password and send its invitation.

    Returns the account and whether the invitation left: the account is kept when the mail
    server refuses, and the admin is told to send it again.
    """
    member = _staff_create_account(
        by=by,
        request=request,
        first_name=first_name,
        last_name=last_name,
        email=email,
        roles=roles,
        sites=sites,
        username=username,
    )
    return member, staff_invitation_send(member=member, by=by, request=request)


def invitation_link(member: User, request) -> str:
    uid = urlsafe_base64_encode(force_bytes(member.pk))
    token = default_token_generator.make_token(member)
    path = reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": token})
    return request.build_absolute_uri(path)


def staff_invitation_send(*, member: User, by, request) -> bool:
    """E-mail a set-password link to an account that has not chosen its password yet."""
    if not invitation_pending(member):
        raise StaffError(
            f"{member} a déjà choisi son mot de passe : en cas d'oubli, il utilise "
            "« Mot de passe oublié » sur la page de connexion."
        )
    if not member.email:
        raise StaffError(f"{member} n'a pas d'adresse e-mail : ajoutez-la avant d'inviter.")
    context = {
        "member": member,
        "link": invitation_link(member, request),
        "hours": invitation_hours(),
        "organisation": settings.CEIS_ORGANISATION_NAME,
    }
    body = render_to_string("ceis/staff/invitation_email.txt", context)
    try:
        send_mail("Votre compte CEIS", body, None, [member.email])
    except (OSError, SMTPException):
        logger.exception("invitation e-mail not sent to user %s", member.pk)
        return False
    journal_record(
        action=JournalAction.UPDATE,
        user=by,
        obj=member,
        request=request,
        payload={"invitation": "sent"},
    )
    return True


@transaction.atomic
def staff_update(
    *, member: User, by, request, first_name, last_name, email, roles, sites
) -> list[str]:
    """Change names, e-mail, roles and sites; returns the names of the fields that changed."""
    _check_roles_and_sites(roles, sites)
    if member.pk == by.pk and Role.ADMIN not in roles and not member.is_superuser:
        raise ValidationError(
            {"roles": "Vous ne pouvez pas retirer votre propre rôle d'administrateur."}
        )
    _check_email_free(email, member=member)
    changed = []
    for name, value in (("first_name", first_name), ("last_name", last_name), ("email", email)):
        if getattr(member, name) != value:
            setattr(member, name, value)
            changed.append(name)
    member.full_clean()
    member.save()
    current_roles = set(member.groups.filter(name__in=Role.values).values_list("name", flat=True))
    if current_roles != set(roles):
        _set_roles(member, roles)
        changed.append("roles")
    if set(member.sites.values_list("pk", flat=True)) != {site.pk for site in sites}:
        member.sites.set(sites)
        changed.append("sites")
    if changed:
        journal_record(
            action=JournalAction.UPDATE,
            user=by,
            obj=member,
            request=request,
            payload={"fields": sorted(changed)},
        )
    # The cached roles and sites of this object are stale now.
    member.__dict__.pop("site_list", None)
    member.__dict__.pop("_roles_cache", None)
    return sorted(changed)


def user_sessions_end(member: User) -> int:
    """Delete every open session of `member` (security.md row 6); returns how many."""
    ids = [
        session.pk
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if session.get_decoded().get("_auth_user_id") == str(member.pk)
    ]
    Session.objects.filter(pk__in=ids).delete()
    return len(ids)


@transaction.atomic
def staff_deactivate(*, member: User, by, request) -> None:
    """Close an account: no more login, its open sessions end now. Nothing is deleted."""
    if member.pk == by.pk:
        raise StaffError("Vous ne pouvez pas désactiver votre propre compte.")
    if not member.is_active:
        raise StaffError(f"Le compte de {member} est déjà désactivé.")
    member.is_active = False
    member.save(update_fields=["is_active"])
    ended = user_sessions_end(member)
    journal_record(
        action=JournalAction.UPDATE,
        user=by,
        obj=member,
        request=request,
        payload={"fields": ["is_active"], "sessions_ended": ended},
    )


@transaction.atomic
def staff_reactivate(*, member: User, by, request) -> None:
    if member.is_active:
        raise StaffError(f"Le compte de {member} est déjà actif.")
    member.is_active = True
    member.save(update_fields=["is_active"])
    journal_record(
        action=JournalAction.UPDATE,
        user=by,
        obj=member,
        request=request,
        payload={"fields": ["is_active"]},
    )


@transaction.atomic
def staff_second_factor_reset(*, member: User, by, request) -> None:
    """Remove the authenticator application and backup codes of someone who lost their phone:
    at the next login they set up a new application (when the second factor is required)."""
    devices = TOTPDevice.objects.filter(user=member)
    codes = StaticDevice.objects.filter(user=member)
    if not devices.exists() and not codes.exists():
        raise StaffError(f"{member} n'a pas de double authentification configurée.")
    devices.delete()
    codes.delete()
    journal_record(
        action=JournalAction.UPDATE,
        user=by,
        obj=member,
        request=request,
        payload={"second_factor": "reset"},
    )
