"""The private iCalendar feed of an agent's agenda."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, permission_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET, require_http_methods

from ceis.choices import JournalAction
from ceis.services import journal_record

from .. import services
from ..ical import agenda_ics
from ..models import AgendaFeed, feed_token_hash
from ..perms import can_view_agendas

# The iCalendar feed ---------------------------------------------------------------------------


# The new address, between the form's POST and the page that shows it once.
NEW_FEED_SESSION_KEY = "appointments_new_feed"


@require_http_methods(["GET", "POST"])
@permission_required("appointments.view_appointment", raise_exception=True)
def feed_settings(request):
    if request.method == "POST":
        token = services.feed_renew(user=request.user, request=request)
        request.session[NEW_FEED_SESSION_KEY] = token
        messages.success(
            request, "Nouvelle adresse créée : l'ancienne ne donne plus accès à votre agenda."
        )
        return redirect("appointments:feed_settings")
    feed = AgendaFeed.objects.filter(agent=request.user).first()
    # Only the token's hash is kept: its address is shown on this page once, after « Créer ».
    token = request.session.pop(NEW_FEED_SESSION_KEY, None)
    url = request.build_absolute_uri(reverse("appointments:feed", args=[token])) if token else ""
    return render(request, "appointments/feed.html", {"feed": feed, "feed_url": url})


@login_not_required
@require_GET
def feed(request, token):
    """A calendar application reads this without a session: the token is the key. It works while
    its agent is active and still an agent; each read is a download in the journal (row 4)."""
    found = (
        AgendaFeed.objects.select_related("agent").filter(token_hash=feed_token_hash(token)).first()
    )
    if found is None or not found.agent.is_active or not can_view_agendas(found.agent):
        raise Http404("Agenda introuvable.")
    response = HttpResponse(agenda_ics(found.agent), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="agenda.ics"'
    patch_cache_control(response, no_store=True, private=True)
    journal_record(
        action=JournalAction.DOWNLOAD,
        user=found.agent,
        object_type="agenda_feed",
        object_ref=str(found.agent.pk),
        request=request,
    )
    return response
