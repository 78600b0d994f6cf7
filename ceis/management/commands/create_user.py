"""`manage.py create_user USERNAME --role manager --site CEIS [--site MPT] [--create-site]`.

Without `--wet-run` it checks the name, roles and sites and says what it would create; with
`--wet-run` it asks for the password and creates the account.

The first accounts of a new installation (an admin, then the others from `/equipe/`), and
the manager of the production smoke test. The password is read from the environment variable
CEIS_NEW_USER_PASSWORD when set (scripts), otherwise asked twice on the terminal; it is never
an argument, so that it does not appear in the process list or the shell history.
"""

import getpass
import os

from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.db import transaction

from ceis.choices import JournalAction, Role
from ceis.management.base import WetRunCommand
from ceis.models import Site, User
from ceis.services import journal_record

PASSWORD_ENV = "CEIS_NEW_USER_PASSWORD"  # noqa: S105 (a variable name)


class Command(WetRunCommand):
    help = (
        "Crée un compte avec un ou plusieurs rôles et ses sites (avec --wet-run ; sans, vérifie "
        "et dit ce qui serait créé)."
    )
    wet_run_action = "créer le compte"

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("username")
        parser.add_argument(
            "--role", action="append", required=True, choices=Role.values, dest="roles"
        )
        parser.add_argument(
            "--site", action="append", default=[], dest="sites", help="code du site"
        )
        parser.add_argument(
            "--create-site",
            action="store_true",
            help="créer les sites inconnus (nommés d'après leur code, à renommer ensuite)",
        )
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")
        parser.add_argument("--email", default="")

    def handle(self, *args, username, roles, sites, create_site, wet_run, **options):
        if User.objects.filter(username=username).exists():
            raise CommandError(f"L'identifiant « {username} » existe déjà.")
        if not sites and Role.ADMIN not in roles:
            raise CommandError("Indiquez au moins un site (--site CODE).")
        missing = sorted(
            set(sites) - set(Site.objects.filter(code__in=sites).values_list("code", flat=True))
        )
        if missing and not create_site:
            raise CommandError(
                f"Site(s) inconnu(s) : {', '.join(missing)} (--create-site pour les créer)."
            )
        if Group.objects.filter(name__in=roles).count() != len(set(roles)):
            raise CommandError("Rôles absents de la base : lancez d'abord `manage.py migrate`.")
        user = User(
            username=username,
            first_name=options["first_name"],
            last_name=options["last_name"],
            email=options["email"],
            is_staff=Role.ADMIN in roles,
        )
        labels = ", ".join(Role(role).label for role in roles)
        if not wet_run:
            new_sites = f" ; site(s) à créer : {', '.join(missing)}" if missing else ""
            self.stdout.write(
                f"Compte « {username} » à créer ({labels}), site(s) : "
                f"{', '.join(sites) or 'tous (administrateur)'}{new_sites}."
            )
            return
        password = self._password()
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        user.set_password(password)
        with transaction.atomic():
            for code in missing:
                site = Site(code=code, name=code)
                site.full_clean()
                site.save()
                journal_record(action=JournalAction.CREATE, obj=site, username="manage.py")
            user.full_clean()
            user.save()
            user.groups.set(Group.objects.filter(name__in=roles))
            user.sites.set(Site.objects.filter(code__in=sites))
            journal_record(
                action=JournalAction.CREATE,
                obj=user,
                username="manage.py",
                payload={"roles": sorted(roles), "sites": sorted(sites)},
            )
        self.stdout.write(f"Compte « {username} » créé ({labels}).")

    def _password(self) -> str:
        password = os.environ.get(PASSWORD_ENV)
        if password:
            return password
        password = getpass.getpass("Mot de passe : ")
        if password != getpass.getpass("Mot de passe (encore) : "):
            raise CommandError("Les deux mots de passe diffèrent.")
        return password
