"""The side-by-side choice of each identity field when merging two persons (ceis.merge)."""

from django import forms

from .bounds import BoundedForm
from .merge import IDENTITY_FIELDS
from .models import Person

KEPT, REMOVED = "kept", "removed"


def _shown(person: Person, name: str) -> str:
    value = getattr(person, name)
    if value in (None, ""):
        return "Non renseigné"
    field = Person._meta.get_field(name)
    if field.choices:
        return getattr(person, f"get_{name}_display")()
    if name == "birth_date":
        return value.strftime("%d/%m/%Y")
    return str(value)


class MergeForm(BoundedForm):
    """One radio per identity field whose values differ, the kept person's by default; the
    fields with the same value on both records are shown once, without a choice."""

    def __init__(self, *args, kept: Person, removed: Person, **kwargs):
        super().__init__(*args, **kwargs)
        self.kept, self.removed = kept, removed
        self.rows = []
        for name in IDENTITY_FIELDS:
            label = str(Person._meta.get_field(name).verbose_name)
            ours, theirs = _shown(kept, name), _shown(removed, name)
            row = {"name": name, "label": label, "kept": ours, "removed": theirs}
            if getattr(kept, name) != getattr(removed, name):
                self.fields[name] = forms.ChoiceField(
                    label=label.capitalize(),
                    choices=[(KEPT, ours), (REMOVED, theirs)],
                    initial=KEPT,
                    widget=forms.RadioSelect,
                )
                row["field"] = name
            self.rows.append(row)

    def bound_rows(self):
        """The rows with their bound field (or None when both records agree)."""
        return [
            {**row, "bound": self[row["field"]] if "field" in row else None} for row in self.rows
        ]

    def choices(self) -> dict[str, str]:
        return {name: self.cleaned_data.get(name) or KEPT for name in IDENTITY_FIELDS}

    def result(self) -> list[dict]:
        """What the kept record will hold, field by field (for the confirmation)."""
        chosen = self.choices()
        return [
            {
                "label": row["label"],
                "value": row["removed"] if chosen[row["name"]] == REMOVED else row["kept"],
                "from_removed": chosen[row["name"]] == REMOVED and "field" in row,
            }
            for row in self.rows
        ]
