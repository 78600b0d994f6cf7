"""The printable convocation (one A4 page) for a person without a phone: date, place, whom to
ask for, what to bring. Rendered by WeasyPrint, like the bilan, from
`templates/appointments/convocation.html`; its style is in the page itself and WeasyPrint may
fetch nothing (security.md row 16): no file, no network."""

from django.conf import settings

from ceis.printables import render_pdf

from .choices import AppointmentKind

# What to bring, by kind of appointment.
TO_BRING = {
    AppointmentKind.ACCOMPAGNEMENT_NUMERIQUE: [
        "votre téléphone, tablette ou ordinateur si vous en avez un",
        "vos identifiants (adresse e-mail, mots de passe) si vous les avez",
        "les courriers ou documents de la démarche",
    ],
    AppointmentKind.DIAGNOSTIC_NUMERIQUE: [
        "votre téléphone, tablette ou ordinateur si vous en avez un",
        "vos lunettes si vous en portez",
    ],
    AppointmentKind.ENTRETIEN_SOCIAL: [
        "une pièce d'identité",
        "votre attestation France Travail ou CAF si vous en avez une",
        "les courriers reçus dont vous voulez parler",
    ],
    AppointmentKind.ENTRETIEN_SORTIE: [
        "une pièce d'identité",
        "votre contrat de travail ou attestation de formation si vous en avez un",
    ],
    AppointmentKind.AUTRE: ["une pièce d'identité"],
}


def convocation_pdf(appointment) -> bytes:
    return render_pdf(
        "appointments/convocation.html",
        {
            "appointment": appointment,
            "person": appointment.person,
            "site": appointment.site,
            "agent": appointment.agent,
            "to_bring": TO_BRING.get(appointment.kind, TO_BRING[AppointmentKind.AUTRE]),
            "organisation": settings.CEIS_ORGANISATION_NAME,
        },
    )
