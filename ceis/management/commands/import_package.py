from django.core.management.base import BaseCommand, CommandError

from ceis.package.importer import import_package
from ceis.package.reader import PackageSourceError

MAX_ERRORS = 100


class Command(BaseCommand):
    help = (
        "Importe un paquet de données ceis.package/1 (dossier ou .zip). Tout le paquet est "
        "vérifié avant d'écrire : à la moindre erreur, rien n'est écrit. Contrairement aux "
        "autres commandes qui modifient les données, l'import se fait sans --wet-run (interface "
        "documentée dans docs/data-package.md) ; --dry-run pour une simulation."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="Dossier ou fichier .zip du paquet.")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Vérifie et indique ce qui serait créé ou modifié, sans rien écrire.",
        )

    def handle(self, *args, path, dry_run, **options):
        try:
            job = import_package(path, dry_run=dry_run)
        except PackageSourceError as error:
            raise CommandError(str(error)) from None
        for line in job.reading():
            self.stdout.write(line)
        if job.errors:
            for error in job.errors[:MAX_ERRORS]:
                self.stderr.write(str(error))
            if len(job.errors) > MAX_ERRORS:
                self.stderr.write(f"… et {len(job.errors) - MAX_ERRORS} autres erreurs.")
            raise CommandError(
                f"{len(job.errors)} erreur(s) : le paquet est refusé, rien n'a été écrit."
            )
        verb = ("à créer", "à modifier") if dry_run else ("créés", "modifiés")
        for filename, created, updated, unchanged in job.summary():
            self.stdout.write(
                f"{filename} : {created} {verb[0]}, {updated} {verb[1]}, {unchanged} inchangés"
            )
        if dry_run:
            self.stdout.write("Simulation (--dry-run) : rien n'a été écrit.")
        else:
            self.stdout.write(self.style.SUCCESS("Paquet importé."))
