from django.core.management.base import BaseCommand

from ceis.package.exporter import export_package


class Command(BaseCommand):
    help = (
        "Exporte toutes les données au format ceis.package/1 : un dossier, ou une archive "
        "quand le chemin se termine par .zip. Les notes de suivi ne sont écrites qu'avec "
        "--include-notes."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="Dossier ou fichier .zip à écrire.")
        parser.add_argument(
            "--include-notes",
            action="store_true",
            help="Écrit aussi la note des suivis individuels (données sensibles).",
        )

    def handle(self, *args, path, include_notes, **options):
        counts = export_package(path, include_notes=include_notes)
        for name, count in counts.items():
            self.stdout.write(f"{name} : {count} lignes")
        self.stdout.write(self.style.SUCCESS(f"Paquet écrit dans {path}."))
