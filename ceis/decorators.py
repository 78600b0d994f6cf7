"""View decorators shared by the apps: a page of one object refuses with a 404 (security row 2).

A page without an object (a list, a creation form) refuses a role with Django's
`permission_required(..., raise_exception=True)`: the French 403 page. A page of one object
must not tell a role that may not see it whether the object exists: it answers the same 404 as an
object of another site. Both refusals are journalled (row 4).
"""

from functools import wraps

from django.http import Http404

from .choices import JournalAction
from .services import journal_record


def refuse_object(request):
    """Refuse a page of one object as if it did not exist, and journal the refusal."""
    journal_record(
        action=JournalAction.ACCESS_REFUSED,
        user=request.user,
        object_type="url",
        object_ref=request.path[:100],
        request=request,
    )
    raise Http404("Page introuvable.")


def object_permission_required(perm: str):
    """`permission_required(perm, raise_exception=True)` for the views of one object: 404."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.has_perm(perm):
                refuse_object(request)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
