"""A small package touching every file and every column of ceis.package/1, for the tests."""

import copy
import csv
import io
import zipfile
from pathlib import Path

BASE = {
    "manifest": [["key", "value"], ["format", "ceis.package/1"], ["source", "tests"]],
    "sites": [
        ["code", "name", "address"],
        ["CEIS", "CEIS des Arceaux", "3 rue du Faubourg, Montpellier"],
    ],
    "neighbourhoods": [
        ["code", "name", "centre_ville", "qpv_code"],
        ["ecusson", "Écusson", "1", ""],
        ["figuerolles", "Figuerolles", "0", "QN03401M"],
    ],
    "people": [
        [
            "ref",
            "last_name",
            "first_name",
            "birth_date",
            "birth_year",
            "sex",
            "postal_code",
            "commune",
            "neighbourhood",
            "education_level",
            "status",
            "france_travail_id",
            "phone",
            "email",
        ],
        [
            "P1",
            "Martin",
            "Éloïse",
            "1980-03-12",
            "",
            "F",
            "34000",
            "Montpellier",
            "ecusson",
            "cap_bep",
            "sans_emploi",
            "1234567A",
            "06 12 34 56 78",
            "eloise@example.org",
        ],
        [
            "P2",
            "Durand",
            "Karim",
            "",
            "1975",
            "M",
            "34070",
            "Montpellier",
            "figuerolles",
            "bac_general",
            "sans_emploi",
            "",
            "",
            "",
        ],
        ["P3", "Petit", "Lou", "2001-07-01", "2001", "X", "", "", "", "", "", "", "", ""],
        [
            "P4",
            "Bernard",
            "Jeanne",
            "1948-01-20",
            "",
            "F",
            "34000",
            "Montpellier",
            "ecusson",
            "cep",
            "retraite",
            "",
            "0467000000",
            "",
        ],
    ],
    "targets": [["site", "year", "persons"], ["CEIS", "2026", "200"]],
    "cohorts": [
        ["ref", "site", "name", "start_date", "end_date", "weekdays", "capacity"],
        ["C1", "CEIS", "Promotion de printemps", "2026-03-02", "2026-04-12", "mon|tue|thu", "20"],
    ],
    "enrollments": [
        [
            "cohort",
            "person",
            "referral_source",
            "referral_date",
            "referral_adviser",
            "entry_date",
            "minimum_income",
            "monthly_income_eur",
            "household",
            "barriers",
            "domestic_violence",
            "health_problem",
            "confidence_entry",
            "confidence_exit",
            "exit_date",
            "exit_outcome",
            "dropout_reason",
            "followup_3m_date",
            "followup_3m_situation",
        ],
        [
            "C1",
            "P1",
            "france_travail",
            "2026-02-10",
            "Mme Roux",
            "2026-03-02",
            "rsa",
            "550",
            "monoparental",
            "logement|mobilite",
            "1",
            "0",
            "3",
            "",
            "2026-03-20",
            "abandon",
            "sante",
            "",
            "",
        ],
        [
            "C1",
            "P2",
            "ccas",
            "",
            "",
            "2026-03-02",
            "ass",
            "",
            "seul",
            "",
            "",
            "",
            "4",
            "8",
            "2026-04-12",
            "emploi_durable",
            "",
            "2026-07-15",
            "emploi_durable",
        ],
        [
            "C1",
            "P3",
            "spontane",
            "",
            "",
            "2026-03-03",
            "aucun",
            "",
            "heberge",
            "numerique",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
        ],
    ],
    "attendance": [
        ["cohort", "person", "date", "status"],
        ["C1", "P1", "2026-03-02", "present"],
        ["C1", "P2", "2026-03-03", "absent_excuse"],
        ["C1", "P3", "2026-03-05", "absent_non_excuse"],
        ["C1", "P2", "2026-03-05", "present"],
    ],
    "followups": [
        ["ref", "person", "date", "kind", "cohort", "orientation", "note"],
        [
            "F1",
            "P1",
            "2026-03-10",
            "entretien",
            "C1",
            "Mission locale, antenne Nord",
            "Note courte,\navec un retour à la ligne",
        ],
        ["F2", "P2", "2026-03-11", "logement", "", "", ""],
    ],
    "events": [
        ["ref", "site", "date", "kind", "title"],
        ["E1", "CEIS", "2026-06-01", "alumni", "Rencontre des anciens"],
    ],
    "event_attendance": [["event", "person"], ["E1", "P1"], ["E1", "P2"]],
    "testimonials": [
        ["ref", "person", "date", "quote", "display_name", "publication_consent"],
        ["T1", "P2", "2026-04-12", "« J'ai repris confiance », dit-il.", "Karim", "oui"],
    ],
    "workshops": [
        ["ref", "title", "theme", "format", "level", "partner"],
        [
            "W1",
            "Découvrir la tablette",
            "prendre_en_main_du_materiel",
            "atelier_ludique",
            "debutant",
            "Les Petits Débrouillards",
        ],
    ],
    "sessions": [
        ["ref", "workshop", "site", "start", "duration_min", "capacity", "anonymous"],
        ["S1", "W1", "CEIS", "2026-03-04T14:00", "120", "10", "60_plus:F=3|inconnu:inconnu=1"],
    ],
    "registrations": [
        ["session", "person", "registered_at", "status", "attendance"],
        ["S1", "P3", "2026-03-01T10:00:00+01:00", "inscrit", "present"],
        ["S1", "P4", "", "liste_attente", ""],
    ],
    "helps": [
        [
            "ref",
            "person",
            "site",
            "date",
            "duration_min",
            "themes",
            "procedures",
            "urgent",
            "autonomy",
            "orientation",
        ],
        [
            "H1",
            "P4",
            "CEIS",
            "2026-03-05",
            "45",
            "email|navigation_sur_internet",
            "famille_scolarite",
            "true",
            "autonome",
            "administration",
        ],
    ],
    "visits": [
        ["ref", "site", "date", "person", "volunteer_help"],
        ["V1", "CEIS", "2026-03-06", "P4", "1"],
        ["V2", "CEIS", "2026-03-06", "", "0"],
    ],
    "assessments": [
        [
            "ref",
            "person",
            "date",
            "internet_use_3m",
            "information",
            "communication",
            "contenus",
            "securite",
            "resolution_problemes",
            "owns_smartphone",
            "owns_tablet",
            "owns_computer",
            "internet_home",
            "tiers_aidant",
            "aidants_connect_mandate",
        ],
        ["A1", "P4", "2026-03-05", "1", "1", "0", "0", "0", "1", "1", "0", "", "1", "1", "0"],
        ["A2", "P4", "2026-04-05", "1", "2", "1", "1", "1", "2", "1", "0", "0", "1", "1", "0"],
    ],
}


def package(**changes) -> dict:
    """A copy of BASE; `people=None` drops the file, a list replaces it."""
    data = copy.deepcopy(BASE)
    for name, rows in changes.items():
        if rows is None:
            data.pop(name, None)
        else:
            data[name] = rows
    return data


def write(path: Path, data: dict, *, bom: bool = False) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    for name, rows in data.items():
        with open(
            path / f"{name}.csv", "w", encoding="utf-8-sig" if bom else "utf-8", newline=""
        ) as f:
            csv.writer(f, lineterminator="\r\n").writerows(rows)
    return path


def zipped(tmp_path, data, name="paquet.zip"):
    folder = write(tmp_path / "src", data)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for file in folder.iterdir():
            archive.write(file, file.name)
    buffer.seek(0)
    buffer.name = name
    return buffer
