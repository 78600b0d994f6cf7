"""The one base of the ops commands that change data: a dry run unless `--wet-run`.

Without `--wet-run` the command checks everything it would check, prints what it would do and
changes nothing; the closing line says so. An operator reads the list, then runs the same line
again with `--wet-run`. (`seed_demo` fills an empty demo database and `import_package` keeps its
documented interface: neither uses this base.)
"""

from django.core.management.base import BaseCommand


class WetRunCommand(BaseCommand):
    """Subclasses call `super().add_arguments(parser)`, read `wet_run` in `handle()` and name in
    `wet_run_action` what `--wet-run` does (French, after "pour")."""

    wet_run_action = "appliquer ces changements"

    def add_arguments(self, parser):
        parser.add_argument(
            "--wet-run",
            action="store_true",
            help=f"Exécuter pour de bon : {self.wet_run_action} (sans --wet-run, simulation : "
            "rien n'est modifié).",
        )

    def execute(self, *args, **options):
        output = super().execute(*args, **options)
        if not options.get("wet_run"):
            self.stdout.write(
                "Simulation : rien n'a été modifié. Relancez avec --wet-run pour "
                f"{self.wet_run_action}."
            )
        return output
