"""What a programme asks the messages to say: a `Notice` names the person, the record it is about
(by strings: the core imports no programme), the words of the message and when it happens."""

import datetime
from dataclasses import dataclass

from ceis.models import Person, Site


@dataclass(frozen=True)
class Notice:
    person: Person
    site: Site
    template: str  # choices.TemplateCode
    about_kind: str  # "appointment", "registration"
    about_id: str
    what: str  # {quoi}: the kind of appointment or the workshop's title, never a note
    start: datetime.datetime
    place: str
    # A permission the reader of the log must hold to see it (a social interview's messages).
    visible_with_perm: str = ""
