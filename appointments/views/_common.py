"""What the agenda and booking screens share: their query parameters, the errors of a service
shown on a form."""

import datetime
from urllib.parse import urlencode

from django.core.exceptions import ValidationError

from ceis.selectors import person_get
from ceis.templatetags.french import date_phrase, time_fr

from ..forms import DURATIONS

FORM_ERROR = "Le rendez-vous n'est pas enregistré : corrigez les champs signalés."
DAY = datetime.timedelta(days=1)
DURATION_CODES = {value for value, _ in DURATIONS}


# Parameters of the agendas and the booking form ----------------------------------------------


def _duration(request) -> int:
    try:
        value = int(request.GET.get("duree", 30))
    except (TypeError, ValueError):
        return 30
    return value if value in DURATION_CODES else 30


def _site(request):
    """The site of `?site=<id>` among the user's sites; their first site otherwise."""
    sites = request.user.site_list
    wanted = request.GET.get("site")
    for site in sites:
        if str(site.pk) == wanted:
            return site
    return sites[0] if sites else None


def _agent(request, agents):
    """The agent named by `?agent=` (username); the user themself by default; None for
    `?agent=` empty (every agent of the site)."""
    wanted = request.GET.get("agent", request.user.username)
    return next((a for a in agents if a.username == wanted), None)


def _person(request):
    public_id = request.GET.get("personne")
    if not public_id:
        return None
    return person_get(public_id=public_id, user=request.user)


def _agenda_params(request, agents):
    agents = list(agents)
    agent = _agent(request, agents)
    site = _site(request)
    if agent is not None and site is not None:
        agent_sites = {s.pk for s in agent.sites.all()}
        if site.pk not in agent_sites and not agent.is_ceis_admin:
            mine = [s for s in request.user.site_list if s.pk in agent_sites]
            site = mine[0] if mine else site
    return agents, agent, site


def _query(**params) -> str:
    return urlencode({k: v for k, v in params.items() if v not in (None, "")})


def _add_errors(form, error: ValidationError):
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            target = field if field in form.fields else None
            if field == "start" and "time" in form.fields:
                target = "time"  # the booking form's start is its date and time
            for message in errors:
                form.add_error(target, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


def _phrase(moment) -> str:
    return f"{date_phrase(moment)} à {time_fr(moment)}"
