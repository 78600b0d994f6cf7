"""Dashboard and bilan documents, for managers and admins (aggregates only)."""

import base64
import datetime
import json

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import FileResponse, Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect, HttpResponseClientRefresh

from ceis.choices import JournalAction
from ceis.decorators import object_permission_required
from ceis.pagination import paginate
from ceis.services import journal_record
from ceis.submissions import single_submission
from unisvers.models import Testimonial

from .choices import JobStatus
from .dashboard import (
    comparison_rows,
    dashboard_result_fresh,
    dashboard_result_get,
    dashboard_trend_get,
    period_phrase,
    trend_charts,
    trend_rows,
)
from .forms import BilanTextsForm, PeriodForm
from .indicators.codes import OrientationsCode as O
from .indicators.codes import Programme, Section
from .indicators.codes import UnisversCode as U
from .indicators.codes import VillagesCode as V
from .indicators.compare import PREVIOUS, previous_period
from .indicators.definitions import definition
from .indicators.publication import publish_count
from .opendata import opendata_zip
from .selectors import bilan_document_get, bilan_document_list, bilan_version_get
from .services import (
    bilan_document_create,
    bilan_document_prefill,
    bilan_document_update,
    bilan_version_publish,
    bilan_version_request,
    bilan_version_retry,
)
from .texts import (
    FIGURE_FIELDS,
    TEXT_FIELDS,
    frozen_numbers,
    reference_values,
    references_by_programme,
    render_text_html,
)
from .xlsx import build_bilan_xlsx

VIEW = "reporting.view_bilandocument"
ADD = "reporting.add_bilandocument"


def _period_from(request):
    form = PeriodForm(request.GET or None, user=request.user)
    if not request.GET:
        form = PeriodForm({"preset": "this_year"}, user=request.user)
    if form.is_valid():
        data = form.cleaned_data
        return form, data["date_from"], data["date_to"], data.get("site")
    return form, None, None, None


def _img(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


@require_GET
@permission_required(VIEW, raise_exception=True)
def dashboard(request):
    """The figures of a period and site as last computed by the worker, never computed here
    (reporting/dashboard.py): "Calcul en cours…" until they are there, the htmx fragment of the
    figures polled meanwhile; with "comparer", the same period a year earlier beside them; with
    "tendance", the five calendar years up to the period's."""
    form, start, end, site = _period_from(request)
    compare = request.GET.get("comparer") == "1"
    trend = request.GET.get("tendance") == "1"
    context = {"form": form, "compare": compare, "trend": trend}
    if start:
        refresh = "actualiser" in request.GET
        state = dashboard_result_get(
            date_from=start, date_to=end, site=site, refresh=refresh, charts=True
        )
        query = request.GET.copy()
        query.pop("actualiser", None)
        context.update(
            {
                "state": state,
                "site": site,
                "query": query.urlencode(),
                "period": period_phrase(start, end),
            }
        )
        if state.figures:
            context.update(_figures_context(state.figures))
        if compare:
            previous_from, previous_to = previous_period(start, end)
            previous = dashboard_result_get(
                date_from=previous_from, date_to=previous_to, site=site, refresh=refresh
            )
            context.update(
                {
                    "previous": previous,
                    "previous_period": period_phrase(previous_from, previous_to),
                    "waiting": state.waiting or previous.waiting,
                }
            )
            if state.figures and previous.figures:
                context["comparison"] = comparison_rows(
                    state.figures["bilan"], previous.figures["bilan"]
                )
        else:
            context["waiting"] = state.waiting
        if trend:
            years = dashboard_trend_get(last_year=end.year, site=site)
            context["trend_years"] = [state.result.date_from.year for state in years]
            context["waiting"] = context["waiting"] or any(state.waiting for state in years)
            if all(state.figures for state in years):
                context["trend_rows"] = trend_rows(years)
                context["trend_charts"] = {
                    name: _img(svg) for name, svg in trend_charts(years).items()
                }
    if request.htmx and start:
        return render(request, "reporting/_dashboard_figures.html", context)
    return render(request, "reporting/dashboard.html", context)


def _labelled(section: str, key: str, figures: dict | None) -> list[dict]:
    """A breakdown's codes with their French labels and counts, in the list's order."""
    if not figures:
        return []
    labels = definition(section, key).code_labels()
    return [{"label": labels[code], "count": n} for code, n in figures[key].items()]


def _figures_context(figures: dict) -> dict:
    bilan = figures["bilan"]
    return {
        "bilan": bilan,
        "unisvers": bilan[Programme.UNISVERS],
        "villages": bilan[Programme.VILLAGES],
        # Absent from a result computed before these sections existed: the page skips them.
        "appointments": bilan.get(Section.APPOINTMENTS),
        "orientations": bilan.get(Section.ORIENTATIONS),
        # Not "messages": the name of Django's messages in every template.
        "message_figures": bilan.get(Section.MESSAGES),
        "orientation_categories": _labelled(
            Section.ORIENTATIONS, O.BY_CATEGORY, bilan.get(Section.ORIENTATIONS)
        ),
        # The charts' text alternatives, with the labels the charts draw.
        "outcome_rows": _labelled(Programme.UNISVERS, U.OUTCOMES, bilan[Programme.UNISVERS]),
        "skill_rows": _labelled(Programme.VILLAGES, V.SKILLS, bilan[Programme.VILLAGES]),
        # Absent until the worker has drawn them (reporting.dashboard._draws_charts).
        "charts": {name: _img(svg) for name, svg in (figures.get("charts") or {}).items()},
        "domestic_violence_n": publish_count(
            bilan[Programme.UNISVERS][U.DOMESTIC_VIOLENCE_RATE]["n"]
        ),
    }


@require_GET
@permission_required(VIEW, raise_exception=True)
def export(request, fmt):
    """The JSON or XLSX of a period and site, with figures computed by the worker after the
    request (never from an older dashboard result, never in the request): the first request
    answers « Préparation du fichier… » and polls the same URL, stamped with its time
    (`demande`), which serves the file once the figures are there."""
    form, start, end, site = _period_from(request)
    if not start:
        if "site" in form.errors:
            raise Http404("Site introuvable.")  # another site's figures: like its objects
        # Refused in French, with the reasons (a period beyond the bounds, a bad date…).
        reasons = " ".join(str(message) for errors in form.errors.values() for message in errors)
        return HttpResponseBadRequest(
            f"Période invalide : {reasons}", content_type="text/plain; charset=utf-8"
        )
    since = _asked_at(request.GET.get("demande"))
    state = dashboard_result_fresh(date_from=start, date_to=end, site=site, since=since)
    previous = None
    if request.GET.get("comparer") == "1":
        # With the whole bilan of the same period a year earlier (indicators.md, `previous`).
        previous_from, previous_to = previous_period(start, end)
        previous = dashboard_result_fresh(
            date_from=previous_from, date_to=previous_to, site=site, since=since
        )
    if not state.figures or (previous and not previous.figures):
        query = request.GET.copy()
        query["demande"] = since.isoformat()
        context = {
            "state": state,
            "broker_down": state.broker_down or bool(previous and previous.broker_down),
            "fmt": "Excel" if fmt == "xlsx" else "JSON",
            "url": f"{request.path}?{query.urlencode()}",
            "period": period_phrase(start, end),
            "site": site,
        }
        template = "reporting/_export_waiting.html" if request.htmx else "reporting/export.html"
        return render(request, template, context)
    if request.htmx:
        # The polled fragment is ready: the browser fetches the file itself (then journalled).
        return HttpResponseClientRedirect(request.get_full_path())
    bilan = state.figures["bilan"]
    if previous:
        bilan = {**bilan, PREVIOUS: previous.figures["bilan"]}
    journal_record(
        action=JournalAction.EXPORT,
        user=request.user,
        object_type="reporting.bilan",
        object_ref=f"{start}_{end}_{bilan['site'] or 'tous'}",
        request=request,
        payload={"format": fmt},
    )
    name = f"bilan-ceis-{start:%Y%m%d}-{end:%Y%m%d}-{bilan['site'] or 'tous-sites'}"
    if fmt == "json":
        response = HttpResponse(
            json.dumps(bilan, ensure_ascii=False, indent=2), content_type="application/json"
        )
    else:
        response = HttpResponse(
            build_bilan_xlsx(bilan),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


def _asked_at(value: str | None) -> datetime.datetime:
    """When a download was first asked for (`demande`, set by its waiting page); now for a new
    one, or for a stamp that is not one of ours (unreadable, in the future, over an hour old)."""
    now = timezone.now()
    try:
        asked = datetime.datetime.fromisoformat(value or "")
    except ValueError:
        return now
    if timezone.is_naive(asked) or not now - datetime.timedelta(hours=1) <= asked <= now:
        return now
    return asked


@require_GET
@permission_required(VIEW, raise_exception=True)
def document_list(request):
    documents = bilan_document_list(request.user)
    return render(request, "reporting/document_list.html", {"page": paginate(request, documents)})


@require_http_methods(["GET", "POST"])
@permission_required(ADD, raise_exception=True)
@single_submission
def document_create(request):
    form = PeriodForm(request.POST or request.GET or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        document = bilan_document_create(
            user=request.user,
            date_from=data["date_from"],
            date_to=data["date_to"],
            site=data.get("site"),
            request=request,
        )
        if document.texts_pending_since:
            messages.success(
                request,
                "Bilan créé : ses textes seront préremplis à partir des chiffres dès que leur "
                "calcul sera terminé.",
            )
        else:
            messages.success(
                request,
                "Bilan créé : les textes sont préremplis à partir des chiffres, relisez-les.",
            )
        return redirect(document)
    return render(request, "reporting/document_create.html", {"form": form})


def _testimonials_for(document):
    qs = Testimonial.objects.filter(publication_consent=True).select_related("person")
    if document.site_id:
        # A testimonial belongs to the sites where its person took part (Testimonial.site_path).
        qs = qs.on_sites([document.site_id])
    return qs.order_by("-date")


@require_http_methods(["GET", "POST"])
@object_permission_required(VIEW)
@single_submission
def document_detail(request, public_id):
    """The editor of a bilan's texts. "Enregistrer les textes" saves them; "Générer le PDF" is a
    second button of the same form: it saves them, then asks for a version, so that nothing
    typed is lost. A refused form (an unknown figure reference) keeps what was typed and
    generates nothing."""
    document = bilan_document_get(public_id=public_id, user=request.user)
    state = dashboard_result_get(
        date_from=document.date_from, date_to=document.date_to, site=document.site
    )
    if document.texts_pending_since and state.up_to_date:
        bilan_document_prefill(document=document, bilan=state.figures["bilan"])
        document = bilan_document_get(public_id=public_id, user=request.user)
    if document.texts_pending_since:
        return _texts_pending(request, document, state)
    if request.htmx:  # the waiting page's poll: its texts are there, the page reloads
        return HttpResponseClientRefresh()
    can_edit = request.user.has_perm("reporting.change_bilandocument")
    form = BilanTextsForm(
        request.POST if request.method == "POST" else None,
        instance=document,
        testimonials=_testimonials_for(document),
    )
    if request.method == "POST":
        if not can_edit:
            raise Http404
        generate = request.POST.get("action") == "generer"
        if generate and not request.user.has_perm("reporting.add_bilanversion"):
            raise Http404
        if form.is_valid():
            data = dict(form.cleaned_data)
            testimonials = data.pop("testimonials")
            fresh = bilan_document_get(public_id=public_id, user=request.user)
            bilan_document_update(
                document=fresh,
                user=request.user,
                request=request,
                testimonials=testimonials,
                **data,
            )
            if generate:
                version = bilan_version_request(document=fresh, user=request.user, request=request)
                messages.info(
                    request, "Textes enregistrés. " + _queued_message(version, "demandée")
                )
            else:
                messages.success(request, "Les textes du bilan sont enregistrés.")
            return redirect(fresh)
    versions = list(document.versions.select_related("requested_by", "published_by"))
    return render(
        request,
        "reporting/document_detail.html",
        {
            "document": document,
            "form": form,
            "versions": versions,
            "published": next((v for v in versions if v.is_published), None),
            "can_edit": can_edit,
            **_editor_figures(state, form),
        },
    )


def _texts_pending(request, document, state):
    """A bilan created before its figures were computed: no form yet (nothing typed could be
    overwritten by the first draft), « Calcul en cours… », and the page polls itself until the
    texts are written. A form posted from an older tab saves nothing and says why."""
    if request.method == "POST":
        messages.warning(
            request,
            "Les textes de ce bilan sont en cours de rédaction à partir des chiffres : rien n'a "
            "été enregistré. Réessayez dans quelques instants.",
        )
        return redirect(document)
    context = {"document": document, "state": state}
    if request.htmx:
        return render(request, "reporting/_document_texts_pending.html", context)
    return render(request, "reporting/document_pending.html", context)


def _editor_figures(state, form) -> dict:
    """What the editor shows of the figures: the list of references to insert, and each text
    with the figures the next version will print (the current ones, as the dashboard's worker
    last computed them: never computed here) and the numbers typed by hand, which will not
    follow the data."""
    bilan = state.figures["bilan"] if state.figures else None
    previews = []
    for name in TEXT_FIELDS:
        text = form[name].value() or ""
        previews.append(
            {
                "name": name,
                "label": form.fields[name].label,
                "html": render_text_html(text, bilan),
                # The title and the contact (a phone number) hold no figure of the bilan.
                "frozen": frozen_numbers(text) if name in FIGURE_FIELDS else [],
            }
        )
    values = reference_values(bilan)

    def item(reference):
        return reference and {
            "key": reference.key,
            "label": reference.label,
            "part_label": reference.part_label,
            "value": values.get(reference.key),
        }

    groups = [
        {
            "title": group["title"],
            "indicators": [
                {
                    "label": indicator["label"],
                    "main": item(indicator["main"]),
                    "parts": [item(part) for part in indicator["parts"]],
                }
                for indicator in group["indicators"]
            ],
        }
        for group in references_by_programme()
    ]
    return {
        "reference_groups": groups,
        "reference_values": values,
        "previews": previews,
        "figures_at": state.result.computed_at if bilan else None,
        "figures_waiting": state.waiting,
    }


@require_POST
@object_permission_required("reporting.add_bilanversion")
def version_generate(request, public_id):
    """A version of the texts as saved. The editor's own button ("Générer le PDF", the
    document's page) saves what was typed first, under the form's token; this URL, without a
    form, serves clients that post nothing else."""
    document = bilan_document_get(public_id=public_id, user=request.user)
    if document.texts_pending_since:
        messages.warning(
            request,
            "Les textes de ce bilan sont en cours de rédaction à partir des chiffres : le PDF "
            "n'a pas été demandé. Réessayez dans quelques instants.",
        )
        return redirect(document)
    version = bilan_version_request(document=document, user=request.user, request=request)
    messages.info(request, _queued_message(version, "demandée"))
    return redirect(document)


def _queued_message(version, done: str) -> str:
    version.refresh_from_db(fields=["status", "sent_at"])
    if version.awaits_broker:
        return (
            f"Version {version.number} {done} et gardée : le service de préparation des PDF ne "
            "répond pas pour l'instant, elle lui sera transmise dès son retour."
        )
    return (
        f"Version {version.number} {done} : le PDF est préparé en arrière-plan, "
        "cette page se met à jour toute seule."
    )


@require_GET
@object_permission_required("reporting.view_bilanversion")
def version_status(request, public_id):
    version = bilan_version_get(public_id=public_id, user=request.user)
    return render(request, "reporting/_version_row.html", {"version": version})


@require_POST
@object_permission_required("reporting.add_bilanversion")
def version_retry(request, public_id):
    version = bilan_version_get(public_id=public_id, user=request.user)
    if not version.can_retry:
        state = (
            "le PDF est déjà prêt"
            if version.status == JobStatus.READY
            else "le PDF est en cours de préparation, dans le temps prévu"
        )
        messages.info(request, f"Version {version.number} : {state}, rien à relancer.")
        return redirect(version.document)
    version = bilan_version_retry(version=version, user=request.user, request=request)
    messages.info(request, _queued_message(version, "relancée"))
    return redirect(version.document)


@require_GET
@object_permission_required("reporting.view_bilanversion")
def version_download(request, public_id):
    version = bilan_version_get(public_id=public_id, user=request.user)
    if version.status != JobStatus.READY or not version.pdf:
        raise Http404("Ce PDF n'est pas encore prêt.")
    journal_record(action=JournalAction.DOWNLOAD, user=request.user, obj=version, request=request)
    return FileResponse(
        version.pdf.open("rb"),
        as_attachment=True,
        filename=version.filename(),
        content_type="application/pdf",
    )


@require_http_methods(["GET", "POST"])
@object_permission_required("reporting.change_bilanversion")
def version_publish(request, public_id):
    """Mark a version "publiée", after a confirmation page: it is then frozen for good."""
    version = bilan_version_get(public_id=public_id, user=request.user)
    if not version.can_publish:
        state = "elle est déjà publiée" if version.is_published else "son PDF n'est pas prêt"
        messages.info(request, f"Version {version.number} : {state}, rien à publier.")
        return redirect(version.document)
    if request.method == "POST":
        version = bilan_version_publish(version=version, user=request.user, request=request)
        messages.success(
            request,
            f"Version {version.number} publiée : ses textes et ses chiffres sont figés ; ses "
            "données ouvertes peuvent être téléchargées.",
        )
        return redirect(version.document)
    return render(request, "reporting/version_publish.html", {"version": version})


@require_GET
@object_permission_required("reporting.view_bilanversion")
def version_opendata(request, public_id):
    """The figures of a published version in long form (CSV, its schema.json and a
    datapackage.json, in a ZIP file): aggregates only, the publication rule applied."""
    version = bilan_version_get(public_id=public_id, user=request.user)
    if not version.is_published or not version.indicators:
        raise Http404("Seule une version publiée a des données ouvertes.")
    journal_record(
        action=JournalAction.DOWNLOAD,
        user=request.user,
        obj=version,
        request=request,
        payload={"format": "opendata"},
    )
    name = version.filename("zip")
    content = opendata_zip(
        version.indicators,
        name=name.removesuffix(".zip"),
        title=f"{version.document} — version {version.number}",
    )
    response = HttpResponse(content, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
