"""Demo of reporting: a bilan of the current year, prepared and ready to generate."""

import datetime

from django.utils import timezone

from ceis.choices import Role

from .indicators import compute_bilan
from .models import BilanDocument
from .services import bilan_document_create


def seed(*, core, stdout):
    today = timezone.localdate()
    start, end = datetime.date(today.year, 1, 1), datetime.date(today.year, 12, 31)
    if BilanDocument.objects.filter(date_from=start, date_to=end, site__isnull=True).exists():
        return
    manager = core["users"][Role.MANAGER]
    # A command, not a page: it computes the figures itself, so the texts are there at once.
    bilan = compute_bilan(date_from=start, date_to=end, site=None)
    document = bilan_document_create(
        user=manager, date_from=start, date_to=end, site=None, bilan=bilan
    )
    document.testimonials.set(_consented_testimonials())
    stdout.write(f"Bilan de démonstration {today.year} prêt à générer (tous les sites).")


def _consented_testimonials():
    from unisvers.models import Testimonial

    return Testimonial.objects.filter(publication_consent=True).order_by("date")[:3]
