"""The messages' file of the data package (ceis.package, docs/data-package.md): `consents.csv`,
the current consent of each person on each channel (key: person and channel). Who recorded it
and the messages themselves are not carried: the journal keeps the first, the log of a CCAS
the second."""

from ceis.package.spec import FileSpec, ref, req

from .choices import Channel

FILES = (
    FileSpec(
        "consents",
        "messaging.ContactConsent",
        (
            ref("person", "people"),
            req("channel", "code", choices=Channel),
            req("given", "bool", example="true"),
            req("date", "date"),
        ),
        key=("person", "channel"),
        label="consentement",
        export_order=("person__ref", "channel"),
    ),
)
