"""`manage.py bilan --from 2019-01-01 --to 2019-12-31 [--site CEIS]
[--format json|xlsx|pdf|csv] [--output PATH] [--compare]`: the bilan of indicators.md, from
`reporting.indicators.compute_bilan`.

`--compare` adds `previous`, the bilan of the same period one year earlier
(`reporting.indicators.compare`). `--years 2017-2019` instead of `--from`/`--to` computes one
bilan per calendar year: the JSON is their list, oldest first; the XLSX and the PDF are the last
year's bilan with its previous year and the trend of all the years.

`--format csv` writes the open data long form (`reporting.opendata`, one row per figure, the
publication rule applied; with `--years`, the last year), and its Table Schema beside it.

JSON and CSV go to standard output unless `--output` is given; XLSX and PDF are binary files and
need `--output`. Invalid dates, a date or a period beyond the bounds of `ceis.bounds`, an
unknown site, `--from` after `--to` and a missing `--output` print a one-line error and exit with
status 2.
"""

import datetime
import importlib
import json
import re
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from ceis.bounds import check_period
from ceis.models import Site
from reporting.indicators import compute_bilan
from reporting.indicators.compare import PREVIOUS, YEARS, compute_with_previous, compute_years
from reporting.opendata import bilan_csv, table_schema
from reporting.xlsx import build_bilan_xlsx

USAGE_ERROR = 2
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
YEAR_RANGE = re.compile(r"(\d{4})(?:-(\d{4}))?")
FORMATS = ("json", "xlsx", "pdf", "csv")


def _usage_error(message: str) -> CommandError:
    return CommandError(message, returncode=USAGE_ERROR)


def parse_date(value: str, option: str) -> datetime.date:
    """Only `YYYY-MM-DD`: `fromisoformat` alone would also take `20190101` or `2019-W01-1`."""
    if value is None:
        raise _usage_error(f"{option} est obligatoire (AAAA-MM-JJ).")
    try:
        if not ISO_DATE.fullmatch(value):
            raise ValueError(value)
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise _usage_error(
            f"date invalide pour {option} : « {value} » (attendu AAAA-MM-JJ)."
        ) from None


def parse_years(value: str) -> tuple[int, int]:
    """`2017-2019` (both included) or a single `2019`."""
    match = YEAR_RANGE.fullmatch(value.strip())
    if not match:
        raise _usage_error(f"années invalides pour --years : « {value} » (attendu 2017-2019).")
    first = int(match[1])
    last = int(match[2] or first)
    if first > last:
        raise _usage_error(f"--years : {first} est postérieure à {last}.")
    if first < 1:
        raise _usage_error(f"années invalides pour --years : « {value} » (attendu 2017-2019).")
    return first, last


def _pdf_renderer():
    """The lead's `reporting.pdf.render_bilan_pdf`, when it exists; imported only for PDF so
    that JSON and XLSX never load WeasyPrint."""
    try:
        module = importlib.import_module("reporting.pdf")
    except ImportError:
        return None
    return getattr(module, "render_bilan_pdf", None)


class Command(BaseCommand):
    help = "Calcule le bilan des indicateurs (JSON, XLSX ou PDF) pour une période et un site."

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="date_from", help="premier jour, AAAA-MM-JJ (inclus)")
        parser.add_argument("--to", dest="date_to", help="dernier jour, AAAA-MM-JJ (inclus)")
        parser.add_argument("--site", help="code du site (tous les sites sans cette option)")
        parser.add_argument("--format", dest="output_format", choices=FORMATS, default="json")
        parser.add_argument("--output", help="fichier à écrire (JSON, CSV : sortie standard sinon)")
        parser.add_argument(
            "--compare",
            action="store_true",
            help="ajoute le bilan de la même période un an plus tôt (clé previous)",
        )
        parser.add_argument(
            "--years",
            help="un bilan par année civile, par exemple 2017-2019 (au lieu de --from et --to)",
        )

    def handle(
        self, *args, date_from, date_to, site, output_format, output, compare, years, **options
    ):
        if years is not None:
            if date_from is not None or date_to is not None:
                raise _usage_error("--years remplace --from et --to : donnez l'un ou l'autre.")
            first, last = parse_years(years)
            start, end = datetime.date(first, 1, 1), datetime.date(last, 12, 31)
        else:
            start = parse_date(date_from, "--from")
            end = parse_date(date_to, "--to")
        if start > end:
            raise _usage_error(f"--from ({start}) est postérieure à --to ({end}).")
        try:
            check_period(start, end)
        except ValidationError as error:
            raise _usage_error(" ".join(error.messages)) from None
        site_obj = None
        if site is not None:
            site_obj = Site.objects.filter(code=site).first()
            if site_obj is None:
                raise _usage_error(f"site inconnu : « {site} ».")
        if output_format not in ("json", "csv") and not output:
            raise _usage_error(f"le format {output_format} demande --output FICHIER.")
        renderer = None
        if output_format == "pdf":
            renderer = _pdf_renderer()
            if renderer is None:
                raise _usage_error("format pdf : pas encore disponible")

        if years is not None:
            yearly = compute_years(first=start.year, last=end.year, site=site_obj)
            bilan = {**yearly[-1], YEARS: yearly}
            if len(yearly) > 1:
                bilan[PREVIOUS] = yearly[-2]
            printed = yearly
        elif compare:
            bilan = printed = compute_with_previous(date_from=start, date_to=end, site=site_obj)
        else:
            bilan = printed = compute_bilan(date_from=start, date_to=end, site=site_obj)

        if output_format == "csv":
            self._write_csv(bilan, output)
            return
        if output_format == "json":
            text = json.dumps(printed, ensure_ascii=False, indent=2)
            if not output:
                self.stdout.write(text)
                return
            self._write(output, (text + "\n").encode("utf-8"))
        elif output_format == "xlsx":
            self._write(output, build_bilan_xlsx(bilan))
        else:
            self._write(output, renderer(bilan))
        self.stderr.write(f"Bilan écrit dans {output}")

    def _write_csv(self, bilan: dict, output: str | None):
        """The open data long form (`reporting.opendata`); with `--output`, its Table Schema
        is written beside it (`bilan.csv` → `bilan.schema.json`)."""
        text = bilan_csv(bilan)
        if not output:
            self.stdout.write(text, ending="")
            return
        schema = Path(output).with_suffix(".schema.json")
        self._write(output, text.encode("utf-8"))
        self._write(str(schema), json.dumps(table_schema(), ensure_ascii=False, indent=2).encode())
        self.stderr.write(f"Bilan écrit dans {output}, son schéma dans {schema}")

    def _write(self, output: str, content: bytes):
        try:
            Path(output).write_bytes(content)
        except OSError as error:
            raise CommandError(f"impossible d'écrire {output} : {error.strerror}.") from None
