"""The French templates CEIS starts with (data migration 0003); admins edit them afterwards.

Fields between braces are filled at send time (rendering.py): {quoi} the workshop's title or the
kind of appointment, {date}, {heure}, {lieu}, {telephone} the site's phone. No note, no
programme's name: the messages say « CEIS » only. The SMS texts stay within GSM-7 (no « », no
ê or ç: « Empechement ») so that one SMS holds 160 characters.
"""

SMS = "sms"
EMAIL = "email"

_SIGNATURE = "\n\nLe CCAS (CEIS)\nPour toute question : {telephone}"

DEFAULTS = {
    "appointment_confirmation": {
        SMS: "CEIS : rendez-vous ({quoi}) le {date} à {heure}, {lieu}. "
        "Pour le changer : {telephone}",
        EMAIL: (
            "Votre rendez-vous du {date}",
            "Bonjour,\n\nVotre rendez-vous ({quoi}) est fixé au {date} à {heure}, {lieu}."
            "\nPour le changer ou l'annuler, appelez-nous." + _SIGNATURE,
        ),
    },
    "appointment_reminder": {
        SMS: "CEIS : rappel, rendez-vous ({quoi}) le {date} à {heure}, {lieu}. "
        "Empechement : {telephone}",
        EMAIL: (
            "Rappel : votre rendez-vous du {date}",
            "Bonjour,\n\nNous vous rappelons votre rendez-vous ({quoi}) le {date} à {heure}, "
            "{lieu}.\nEn cas d'empêchement, prévenez-nous." + _SIGNATURE,
        ),
    },
    "workshop_confirmation": {
        SMS: "CEIS : inscription confirmée à l'atelier {quoi} le {date} à {heure}, {lieu}. "
        "Info : {telephone}",
        EMAIL: (
            "Votre inscription à l'atelier du {date}",
            "Bonjour,\n\nVotre inscription à l'atelier « {quoi} » du {date} à {heure}, {lieu}, "
            "est confirmée." + _SIGNATURE,
        ),
    },
    "workshop_reminder": {
        SMS: "CEIS : rappel, atelier {quoi} demain {date} à {heure}, {lieu}. "
        "Empechement : {telephone}",
        EMAIL: (
            "Rappel : atelier demain",
            "Bonjour,\n\nNous vous rappelons l'atelier « {quoi} » demain, {date} à {heure}, "
            "{lieu}.\nEn cas d'empêchement, prévenez-nous." + _SIGNATURE,
        ),
    },
    "waitlist_promotion": {
        SMS: "CEIS : place libérée ! Atelier {quoi} le {date} à {heure}, {lieu}. "
        "Info : {telephone}",
        EMAIL: (
            "Une place s'est libérée pour l'atelier du {date}",
            "Bonjour,\n\nUne place s'est libérée : vous êtes inscrit(e) à l'atelier « {quoi} » "
            "du {date} à {heure}, {lieu}." + _SIGNATURE,
        ),
    },
    "change": {
        SMS: "CEIS : changement, {quoi} le {date} à {heure}, {lieu}. Info : {telephone}",
        EMAIL: (
            "Changement : {quoi} le {date}",
            "Bonjour,\n\nChangement de date ou d'horaire : {quoi} aura lieu le {date} à {heure}, "
            "{lieu}." + _SIGNATURE,
        ),
    },
    "cancellation": {
        SMS: "CEIS : annulation, {quoi} du {date} à {heure}. Info : {telephone}",
        EMAIL: (
            "Annulation : {quoi} du {date}",
            "Bonjour,\n\nAnnulation : {quoi} du {date} à {heure} n'aura pas lieu. "
            "Appelez-nous pour convenir d'une autre date." + _SIGNATURE,
        ),
    },
}
