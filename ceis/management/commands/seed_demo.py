import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ceis.demo import DEMO_PASSWORD, USERS, seed_core
from ceis.hooks import app_modules


class Command(BaseCommand):
    help = (
        "Crée les données de démonstration (sites, quartiers, un utilisateur par rôle, "
        "personnes, puis les données de chaque programme). Relancer ne crée rien de plus. "
        "Avec --scale N : N fois l'année d'un centre, dans une base vide (benchmarks)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--persons", type=int, default=300, help="Nombre de personnes.")
        parser.add_argument(
            "--scale",
            type=float,
            default=None,
            help="Générer N fois l'année d'un centre (0.1, 1, 10, 100…) dans une base vide.",
        )
        parser.add_argument(
            "--year",
            type=int,
            default=None,
            help="Année des données générées avec --scale (par défaut l'année en cours).",
        )
        parser.add_argument(
            "--seed", type=int, default=2019, help="Graine du générateur (--scale)."
        )

    def handle(self, *args, persons, scale, year, seed, **options):
        if not settings.CEIS_DEMO_ALLOWED:
            raise CommandError(
                "Les données de démonstration sont refusées avec ces réglages (production) : "
                "leurs mots de passe sont publics."
            )
        if scale is not None:
            return self._scale(scale, year or datetime.date.today().year, seed)
        if year is not None:
            raise CommandError("--year ne vaut qu'avec --scale.")
        core = seed_core(persons=persons)
        for module in app_modules("demo"):
            module.seed(core=core, stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Données de démonstration prêtes."))
        self._accounts()

    def _scale(self, scale, year, seed):
        from ceis.demo_scale import ScaleError, seed_scale

        try:
            counts = seed_scale(scale=scale, year=year, seed=seed, stdout=self.stdout)
        except ScaleError as error:
            raise CommandError(str(error)) from None
        seconds = counts.pop("seconds")
        rows = sum(counts.values())
        self.stdout.write("Lignes créées par table :")
        for table, count in sorted(counts.items()):
            self.stdout.write(f"  {table:<40} {count:>10}")
        self.stdout.write(
            self.style.SUCCESS(
                f"{rows} lignes en {seconds:.1f} s ({rows / max(seconds, 0.001):,.0f} lignes/s)."
            )
        )
        self._accounts()

    def _accounts(self):
        self.stdout.write(f"Comptes de démonstration (mot de passe commun : {DEMO_PASSWORD}) :")
        for username, _first, _last, role, sites, _staff in USERS:
            self.stdout.write(f"  {username:<12} rôle {role.label:<22} sites {', '.join(sites)}")
