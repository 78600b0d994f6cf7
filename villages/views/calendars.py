"""The session calendar: the week, the month, and the past sessions."""

import calendar
import datetime
from itertools import groupby

from django.contrib.auth.decorators import permission_required
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from ceis import bounds
from ceis.pagination import paginate

from .. import perms, selectors
from ..filters import PastSessionFilter
from ._common import parse_date

# Sessions: calendar ------------------------------------------------------------------------


def _by_day(sessions):
    return [
        (day, list(items))
        for day, items in groupby(sessions, key=lambda s: timezone.localtime(s.start).date())
    ]


# A user of more sites than this (an administrator of a metropolis) sees one site's calendar
# by default: every site's sessions of a month would be a page of megabytes.
CALENDAR_ALL_SITES_MAX = 5
ALL_SITES = "tous"


def _calendar_site(request):
    """The site the week or month shows (`?site=<id>` or `?site=tous`), or None for all."""
    sites = request.user.site_list
    if len(sites) <= 1:
        return None
    wanted = request.GET.get("site", "")
    if wanted == ALL_SITES:
        return None
    for site in sites:
        if str(site.pk) == wanted:
            return site
    return sites[0] if len(sites) > CALENDAR_ALL_SITES_MAX else None


def _calendar_context(request, site=None):
    sites = request.user.site_list
    return {
        "can_manage": perms.can_manage_sessions(request.user),
        "can_view_registrations": perms.can_view_registrations(request.user),
        "can_checkin": perms.can_checkin(request.user),
        "today": timezone.localdate(),
        "site_choices": sites if len(sites) > 1 else [],
        "site": site,
        "site_query": f"&site={site.pk if site else ALL_SITES}" if len(sites) > 1 else "",
    }


@require_GET
@permission_required("villages.view_session", raise_exception=True)
def session_week(request):
    today = timezone.localdate()
    day = parse_date(request.GET.get("semaine"), today)
    monday = day - datetime.timedelta(days=day.weekday())
    sunday = monday + datetime.timedelta(days=6)
    site = _calendar_site(request)
    sessions = list(
        selectors.sessions_between(
            user=request.user, start=monday, end=monday + datetime.timedelta(days=7), site=site
        )
    )
    context = {
        **_calendar_context(request, site),
        "days": _by_day(sessions),
        "count": len(sessions),
        "monday": monday,
        "sunday": sunday,
        "previous": monday - datetime.timedelta(days=7),
        "next": monday + datetime.timedelta(days=7),
    }
    return render(request, "villages/sessions/week.html", context)


@require_GET
@permission_required("villages.view_session", raise_exception=True)
def session_month(request):
    today = timezone.localdate()
    first = bounds.parse_month(request.GET.get("mois"), today)
    last_day = calendar.monthrange(first.year, first.month)[1]
    after = first + datetime.timedelta(days=last_day)
    site = _calendar_site(request)
    sessions = list(
        selectors.sessions_between(user=request.user, start=first, end=after, site=site)
    )
    context = {
        **_calendar_context(request, site),
        "days": _by_day(sessions),
        "count": len(sessions),
        "first": first,
        "previous": (first - datetime.timedelta(days=1)).replace(day=1),
        "next": after,
    }
    return render(request, "villages/sessions/month.html", context)


@require_GET
@permission_required("villages.view_session", raise_exception=True)
def session_past(request):
    session_filter = PastSessionFilter(
        request.GET, queryset=selectors.past_sessions(user=request.user), user=request.user
    )
    context = {
        **_calendar_context(request),
        "filter": session_filter,
        "page": paginate(request, session_filter.qs),
        "show_site": len(request.user.site_list) > 1,
    }
    return render(request, "villages/sessions/past.html", context)
