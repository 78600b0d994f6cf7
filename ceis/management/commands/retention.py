"""List the persons past the retention period; with --wet-run, anonymise them in batches."""

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError

from ceis.management.base import WetRunCommand
from ceis.models import Person
from ceis.retention import persons_anonymise, persons_to_anonymise, with_last_contact


class Command(WetRunCommand):
    help = (
        "Personnes sans contact depuis 2 ans (réglable) : liste pour relecture, et avec "
        "--wet-run, anonymisation par lots. Sans --wet-run, rien n'est modifié."
    )
    wet_run_action = "les anonymiser"

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--years", type=int, default=2, help="Durée sans contact (années).")
        parser.add_argument("--batch", type=int, default=500, help="Personnes par lot.")
        parser.add_argument(
            "--person",
            action="append",
            dest="public_ids",
            metavar="UUID",
            help=(
                "Seulement cette personne (identifiant public, répétable), quel que soit son "
                "dernier contact : demande d'effacement fondée (docs/security.md § 8)."
            ),
        )

    def handle(self, *args, years, batch, wet_run, public_ids, **options):
        candidates = self._named(public_ids) if public_ids else persons_to_anonymise(years=years)
        if not wet_run:
            count = 0
            for person in candidates.select_related("site").iterator():
                count += 1
                self.stdout.write(
                    f"{person.public_id}  {person}  {person.site.code}  "
                    f"dernier contact : {person.last_contact:%d/%m/%Y}"
                )
            found = "désignée(s)" if public_ids else f"sans contact depuis {years} an(s)"
            self.stdout.write(f"{count} personne(s) {found} — simulation.")
            return
        total = 0
        while True:
            ids = list(candidates.values_list("pk", flat=True)[:batch])
            if not ids:
                break
            total += persons_anonymise(person_ids=ids)
        self.stdout.write(f"{total} personne(s) anonymisée(s).")

    def _named(self, public_ids):
        try:
            persons = Person.objects.filter(public_id__in=public_ids, anonymised_at__isnull=True)
            found = {str(public_id) for public_id in persons.values_list("public_id", flat=True)}
        except ValidationError as error:
            raise CommandError(f"Identifiant invalide : {error.messages[0]}") from error
        missing = [value for value in public_ids if value not in found]
        if missing:
            raise CommandError("Personne introuvable ou déjà anonymisée : " + ", ".join(missing))
        return with_last_contact(persons).order_by("last_contact", "pk")
