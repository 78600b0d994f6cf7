"""Weekly e-mail to each referent: how many 3-month and 6-month follow-ups are due or overdue.

The message carries counts and a link, never a participant's name: e-mail leaves the
application, and the names stay behind the login (CNIL social-sector guidance).
"""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import timezone

from ceis.choices import Role

from .selectors import todo_for


def followup_reminders_send(*, today: datetime.date | None = None) -> int:
    """Send one reminder per active social worker with follow-ups to do; returns how many."""
    today = today or timezone.localdate()
    referents = (
        get_user_model()
        .objects.filter(
            is_active=True,
            groups__name=Role.TRAVAILLEUR_SOCIAL,
            unisvers_cohorts__isnull=False,
        )
        .exclude(email="")
        .distinct()
    )
    sent = 0
    for user in referents:
        todo = todo_for(user, today)
        due = [(3, todo["followups"]), (6, todo["followups_6m"])]
        if not any(followups for _, followups in due):
            continue
        link = settings.CEIS_BASE_URL.rstrip("/") + reverse("home")
        lines = ["Bonjour,", ""]
        for months, followups in due:
            if not followups:
                continue
            overdue = sum(1 for enrollment in followups if enrollment.followup_overdue)
            lines.append(
                f"Vous avez {len(followups)} suivi(s) à {months} mois à enregistrer pour vos "
                "promotions Unis'Vers, à faire dans les 14 jours"
                + (f", dont {overdue} en retard." if overdue else ".")
            )
        lines += [
            "",
            f"Votre liste de choses à faire : {link}",
            "",
            "Ce message ne contient aucun nom : ouvrez CEIS pour voir les personnes concernées.",
        ]
        send_mail(
            subject="CEIS — suivis après la sortie à faire",
            message="\n".join(lines),
            from_email=None,
            recipient_list=[user.email],
        )
        sent += 1
    return sent
