"""The partners every site starts with: those the seed's bilan names (domain.md), and « Autre »
for the orientations that were free text before the directory (and old data packages)."""

from .choices import OTHER_PARTNER_NAME, PartnerCategory

SEED_PARTNERS = [
    ("France Travail", PartnerCategory.FRANCE_TRAVAIL),
    ("Les Petits Débrouillards", PartnerCategory.ASSOCIATION),
    ("École de la deuxième chance", PartnerCategory.FORMATION),
    ("Forum TV", PartnerCategory.ASSOCIATION),
    ("Les Louveteaux", PartnerCategory.ASSOCIATION),
    ("Caisse d'allocations familiales", PartnerCategory.ADMINISTRATION),
    ("Service cohésion sociale de la Ville", PartnerCategory.ADMINISTRATION),
    (OTHER_PARTNER_NAME, PartnerCategory.AUTRE),
]
