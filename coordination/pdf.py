"""The fiche de liaison (one A4 page) handed to the partner: only what the person agreed to share
(`Orientation.share_*`), besides their name and the orientation itself; never the note. Rendered
by WeasyPrint from `templates/coordination/sheet.html`, whose style is in the page: WeasyPrint
may fetch nothing (security.md rows 16 and 26), as for the convocation."""

from django.conf import settings

from ceis.printables import render_pdf


def sheet_context(orientation) -> dict:
    """What the sheet shows, and only that: a field the person did not agree to share is not
    even handed to the template."""
    person = orientation.person
    shared = {}
    if orientation.share_reason and orientation.reason:
        shared["reason"] = orientation.reason
    if orientation.share_contact:
        shared["contact"] = [
            value
            for value in (
                person.phone,
                person.email,
                " ".join(part for part in (person.postal_code, person.commune) if part),
            )
            if value
        ]
    if orientation.share_education and person.education_level:
        shared["education"] = person.get_education_level_display()
    if orientation.share_situation and person.status:
        shared["situation"] = person.get_status_display()
    author = orientation.created_by
    return {
        "orientation": orientation,
        "partner": orientation.partner,
        "site": orientation.site,
        "name": f"{person.first_name} {person.last_name}",
        "author": (author.get_full_name() or author.username) if author else "",
        "shared": shared,
        "organisation": settings.CEIS_ORGANISATION_NAME,
    }


def sheet_pdf(orientation) -> bytes:
    return render_pdf("coordination/sheet.html", sheet_context(orientation))
