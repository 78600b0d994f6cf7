"""Writing a package: every file of `ceis.package/1` from the database, as a folder or a zip.

A record without a `ref` (made in CEIS) is exported under its `public_id`, which the importer
recognises, so that exporting then importing into the same database creates nothing.
"""

import csv
import datetime
import io
import zipfile
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from ceis.choices import JournalAction
from ceis.models import Neighbourhood, Site
from ceis.services import journal_record
from ceis.spreadsheet import neutralise_cell

from .importer import _model
from .spec import FILES, FORMAT, FileSpec


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, list):
        return "|".join(value)
    return neutralise_cell(str(value))  # the reader restores it: the round trip stays exact


def _keys(spec_name: str) -> dict[int, str]:
    """id → the key other files use for that record (code, or ref else public_id)."""
    if spec_name == "sites":
        return dict(Site.objects.values_list("pk", "code"))
    if spec_name == "neighbourhoods":
        return dict(Neighbourhood.objects.values_list("pk", "code"))
    model = _model(next(spec for spec in FILES if spec.name == spec_name))
    return {
        pk: ref or str(public_id)
        for pk, ref, public_id in model.objects.values_list("pk", "ref", "public_id")
    }


def _csv(spec: FileSpec, include_notes: bool, keys: dict) -> tuple[str, int]:
    columns = [c for c in spec.columns if include_notes or c.name not in spec.notes]
    model = _model(spec)
    unstored = spec.export_cells(spec) if spec.export_cells else {}
    attrs = []
    for column in columns:
        if not column.stored:
            attrs.append("pk")  # its cell comes from `unstored`, by the record's id
            continue
        if column.kind == "ref":
            attrs.append(f"{column.attr}_id")
        elif column.name == "ref":
            attrs.append("ref")
        else:
            attrs.append(column.attr)
    extra = ["public_id"] if spec.key == ("ref",) else []
    order = ["code"] if spec.key == ("code",) else ["pk"]
    queryset = model.objects.order_by(*(spec.export_order or order))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([column.name for column in columns])
    count = 0
    for values in queryset.values_list(*attrs, *extra).iterator(chunk_size=5000):
        row = []
        for column, value in zip(columns, values, strict=False):
            if not column.stored:
                value = unstored.get(value, {}).get(column.name, "")
            elif column.kind == "ref":
                value = keys[column.target].get(value) if value is not None else None
            elif column.name == "ref":
                value = value or str(values[-1])
            row.append(_cell(value))
        writer.writerow(row)
        count += 1
    return buffer.getvalue(), count


def package_files(*, include_notes: bool = False):
    """(file name, CSV text, row count) of every file, manifest first."""
    targets = {c.target for spec in FILES for c in spec.columns if c.kind == "ref"}
    keys = {target: _keys(target) for target in targets}
    manifest = io.StringIO()
    writer = csv.writer(manifest, lineterminator="\r\n")
    writer.writerows(
        [
            ("key", "value"),
            ("format", FORMAT),
            ("exported_at", timezone.now().astimezone(datetime.UTC).isoformat(timespec="seconds")),
            ("source", f"CEIS — {settings.CEIS_ORGANISATION_NAME}"),
        ]
    )
    yield "manifest.csv", manifest.getvalue(), 3
    for spec in FILES:
        text, count = _csv(spec, include_notes, keys)
        yield spec.filename, text, count


def export_package(path, *, include_notes: bool = False, user=None, request=None) -> dict:
    """Write the package to `path`: a zip when it ends with `.zip`, a folder otherwise."""
    path = Path(path)
    counts = {}
    if path.suffix.lower() == ".zip":
        path.parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for name, text, count in package_files(include_notes=include_notes):
                archive.writestr(name, text.encode("utf-8"))
                counts[name] = count
    else:
        path.mkdir(parents=True, exist_ok=True)
        for name, text, count in package_files(include_notes=include_notes):
            (path / name).write_text(text, encoding="utf-8", newline="")
            counts[name] = count
    _journal(user=user, request=request, include_notes=include_notes, counts=counts)
    return counts


def export_zip_bytes(*, include_notes: bool = False, user=None, request=None) -> bytes:
    buffer = io.BytesIO()
    counts = {}
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, text, count in package_files(include_notes=include_notes):
            archive.writestr(name, text.encode("utf-8"))
            counts[name] = count
    _journal(
        user=user,
        request=request,
        include_notes=include_notes,
        counts=counts,
        action=JournalAction.DOWNLOAD,
    )
    return buffer.getvalue()


def _journal(*, user, request, include_notes, counts, action=JournalAction.EXPORT):
    journal_record(
        action=action,
        user=user,
        object_type="ceis.package",
        object_ref=FORMAT,
        request=request,
        payload={"include_notes": include_notes, "rows": dict(counts)},
    )
