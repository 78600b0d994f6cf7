"""One record per create form, however often it is sent (security.md row 24).

Each create form carries a fresh token (`{% submission_token %}`, ceis/templatetags). The view,
wrapped in `single_submission`, claims the token with a unique insert in the same transaction as
the record it creates:

- a second post of the same token (double click, second tab of the same page, retried request)
  finds the claimed token and is sent to the first result, with a message, instead of creating a
  second record;
- a concurrent second post waits on the unique index (PostgreSQL) or on the write lock (SQLite,
  `transaction_mode` IMMEDIATE) until the first has committed, then does the same;
- a refused form (the page comes back with errors, or the view redirects with an error) releases
  the token, so that the user can correct the form and send it again.

A post without a token (a client that does not render the form) is served as before: the
natural keys of the domain (one registration per session and person, one enrollment per cohort
and person, one register per cohort day) still keep it to one record.
"""

import datetime
import uuid
from contextlib import contextmanager
from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpResponseRedirect
from django.utils import timezone

from .models import FormSubmission

FIELD = "submission_token"
ALREADY_DONE = "Cet envoi avait déjà été enregistré."
# A retried request comes within minutes, a forgotten second tab within a working day: two days
# of tokens are kept, older ones are purged daily (ceis.tasks.submissions_purge_task).
RETENTION = datetime.timedelta(days=2)


def new_token() -> str:
    return str(uuid.uuid4())


def _token(request) -> uuid.UUID | None:
    try:
        return uuid.UUID(request.POST.get(FIELD, ""))
    except ValueError:
        return None


def _succeeded(request, response) -> bool:
    """A redirect without an error message is a success; a page (the form with its errors) or a
    redirect carrying an error is a refusal."""
    if response.status_code not in (301, 302, 303) or not response.has_header("Location"):
        return False
    # The messages queued by this request (Django's storage keeps them there until the response).
    queued = getattr(getattr(request, "_messages", None), "_queued_messages", [])
    return not any(message.level >= messages.ERROR for message in queued)


def single_submission(view):
    """Run a create view at most once per form token; see the module docstring."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        token = _token(request) if request.method == "POST" else None
        if token is None:
            return view(request, *args, **kwargs)
        with transaction.atomic():
            try:
                with transaction.atomic():
                    submission = FormSubmission.objects.create(
                        token=token, user=request.user, path=request.path[:500]
                    )
            except IntegrityError:
                submission = None
            else:
                response = view(request, *args, **kwargs)
                if _succeeded(request, response):
                    submission.result_url = response["Location"][:500]
                    submission.save(update_fields=["result_url"])
                else:
                    submission.delete()
                return response
        # The token was claimed by a first post, now committed: send this one to its result.
        first = FormSubmission.objects.filter(token=token).first()
        if first is None:  # purged in between: nothing left to compare with
            return view(request, *args, **kwargs)
        if first.user_id != request.user.pk:
            raise PermissionDenied("Ce formulaire a déjà été envoyé par quelqu'un d'autre.")
        messages.info(request, ALREADY_DONE)
        return HttpResponseRedirect(first.result_url or request.path)

    # Carried up through the outer decorators (functools.wraps): the tests find every such view.
    wrapper.single_submission = True
    return wrapper


@contextmanager
def natural_key(message):
    """Turn the violation of a unique constraint (two concurrent posts of the same thing) into
    the form error `message` instead of a server error."""
    try:
        with transaction.atomic():
            yield
    except IntegrityError as error:
        raise ValidationError(message) from error


def submissions_purge(*, now: datetime.datetime | None = None) -> int:
    """Delete the tokens older than `RETENTION`; returns how many."""
    limit = (now or timezone.now()) - RETENTION
    deleted, _ = FormSubmission.objects.filter(created_at__lt=limit).delete()
    return deleted
