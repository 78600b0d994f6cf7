"""List the persons past the retention period; with --wet-run, anonymise them in batches."""

from django.core.management.base import BaseCommand

from ceis.retention import persons_anonymise, persons_to_anonymise


class Command(BaseCommand):
    help = (
        "Personnes sans contact depuis 2 ans (réglable) : liste pour relecture, et avec "
        "--wet-run, anonymisation par lots. Sans --wet-run, rien n'est modifié."
    )

    def add_arguments(self, parser):
        parser.add_argument("--years", type=int, default=2, help="Durée sans contact (années).")
        parser.add_argument("--batch", type=int, default=500, help="Personnes par lot.")
        parser.add_argument("--wet-run", action="store_true", help="Anonymiser (sinon : liste).")

    def handle(self, *args, years, batch, wet_run, **options):
        candidates = persons_to_anonymise(years=years)
        if not wet_run:
            count = 0
            for person in candidates.select_related("site").iterator():
                count += 1
                self.stdout.write(
                    f"{person.public_id}  {person}  {person.site.code}  "
                    f"dernier contact : {person.last_contact:%d/%m/%Y}"
                )
            self.stdout.write(
                f"{count} personne(s) sans contact depuis {years} an(s) — simulation : "
                "relancez avec --wet-run pour les anonymiser."
            )
            return
        total = 0
        while True:
            ids = list(candidates.values_list("pk", flat=True)[:batch])
            if not ids:
                break
            total += persons_anonymise(person_ids=ids)
        self.stdout.write(f"{total} personne(s) anonymisée(s).")
