"""Documents of a person: attach (from the person's file), download through this checked view
only, delete with a confirmation. Who may: perms.py; another site's person or document: 404."""

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from ceis.decorators import refuse_object
from ceis.selectors import person_get
from ceis.submissions import single_submission

from . import perms, services, storage
from .forms import DocumentForm
from .selectors import document_get


def _person_documents_url(person) -> str:
    return reverse("persons:detail", kwargs={"public_id": person.public_id}) + "#documents"


@require_http_methods(["GET", "POST"])
@single_submission
def document_upload(request, person_id):
    if not perms.can_add_document(request.user):
        refuse_object(request)
    person = person_get(public_id=person_id, user=request.user)
    form = DocumentForm(
        request.POST or None, request.FILES or None, programmes=perms.programmes(request.user)
    )
    if request.method == "POST" and form.is_valid():
        document = services.document_attach(
            person=person,
            programme=form.cleaned_data["programme"],
            kind=form.cleaned_data["kind"],
            title=form.cleaned_data["title"],
            upload=form.cleaned_data["file"],
            user=request.user,
            request=request,
        )
        messages.success(request, f"Le document « {document.title} » a été joint.")
        return redirect(_person_documents_url(person))
    return render(request, "documents/upload.html", {"person": person, "form": form})


@require_GET
def document_download(request, public_id):
    if not perms.can_view_documents(request.user):
        refuse_object(request)
    document = document_get(public_id=public_id, user=request.user)
    path = storage.file_path(document.storage_name)
    if path is None or not path.is_file():
        raise Http404("Document introuvable.")
    services.document_downloaded(document=document, user=request.user, request=request)
    response = FileResponse(
        open(path, "rb"),  # noqa: SIM115 (FileResponse closes it)
        as_attachment=True,
        filename=document.file_name,
        content_type=document.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@require_http_methods(["GET", "POST"])
def document_delete(request, public_id):
    if not perms.can_delete_document(request.user):
        refuse_object(request)
    document = document_get(public_id=public_id, user=request.user)
    person = document.person
    if request.method == "POST":
        services.document_delete(document=document, user=request.user, request=request)
        messages.success(request, f"Le document « {document.title} » a été supprimé.")
        return redirect(_person_documents_url(person))
    return render(
        request, "documents/confirm_delete.html", {"document": document, "person": person}
    )
