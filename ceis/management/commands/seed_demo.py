from importlib import import_module

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ceis.demo import DEMO_PASSWORD, USERS, seed_core


class Command(BaseCommand):
    help = (
        "Crée les données de démonstration (sites, quartiers, un utilisateur par rôle, "
        "personnes, puis les données de chaque programme). Relancer ne crée rien de plus."
    )

    def add_arguments(self, parser):
        parser.add_argument("--persons", type=int, default=300, help="Nombre de personnes.")

    def handle(self, *args, persons, **options):
        if not settings.CEIS_DEMO_ALLOWED:
            raise CommandError(
                "Les données de démonstration sont refusées avec ces réglages (production) : "
                "leurs mots de passe sont publics."
            )
        core = seed_core(persons=persons)
        for app in ("unisvers", "villages", "reporting"):
            try:
                module = import_module(f"{app}.demo")
            except ModuleNotFoundError:
                continue
            module.seed(core=core, stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Données de démonstration prêtes."))
        self.stdout.write(f"Comptes de démonstration (mot de passe commun : {DEMO_PASSWORD}) :")
        for username, _first, _last, role, sites, _staff in USERS:
            self.stdout.write(f"  {username:<12} rôle {role.label:<22} sites {', '.join(sites)}")
