"""Find or create a person, with the duplicate warning: the one view component behind every
entry point (the persons directory, a cohort's new participant, a session's registration and
walk-in). The write and its duplicate check are `services.person_create`; the warning is
`templates/components/_person_duplicates.html`."""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.http import HttpRequest

from .forms import apply_errors
from .models import Person
from .services import PossibleDuplicate, person_create


@dataclass(frozen=True)
class Match:
    person: Person
    url: str  # where choosing this person leads: a link, or the form it is posted to


@dataclass
class PersonCreation:
    """One entry point's "new person" form: create the person, or keep what was typed and show
    the persons it may be, each with the entry point's way of choosing it instead.

    `hint` completes the form's error ("Une personne semblable existe déjà : <hint>, ou…");
    `choose_by_post` posts the match's `person` to `choose_url` (the session pages, where the
    choice registers at once) instead of following a link.
    """

    request: HttpRequest
    hint: str
    choose_label: str
    choose_url: Callable[[Person], str]
    choose_by_post: bool = False
    duplicates: list[Person] = field(default_factory=list)

    def create(self, form) -> Person | None:
        """The new person, or None with the form's errors (and `duplicates` when it may exist).

        The form is a ModelForm of `Person` with a `confirm_not_duplicate` box."""
        self.duplicates = []
        if not form.is_valid():
            return None
        data = form.cleaned_data
        try:
            return person_create(
                user=self.request.user,
                request=self.request,
                allow_duplicate=bool(data.get("confirm_not_duplicate")),
                **{name: data[name] for name in form._meta.fields if name in data},
            )
        except PossibleDuplicate as error:
            self.duplicates = error.matches
            form.add_error(
                "confirm_not_duplicate",
                f"Une personne semblable existe déjà : {self.hint}, ou cochez cette case si "
                "c'est bien quelqu'un d'autre.",
            )
        except ValidationError as error:
            apply_errors(form, error)
        return None

    def context(self) -> dict:
        """What `components/_person_duplicates.html` shows."""
        return {
            "duplicates": [Match(person, self.choose_url(person)) for person in self.duplicates],
            "choose_label": self.choose_label,
            "choose_by_post": self.choose_by_post,
        }
