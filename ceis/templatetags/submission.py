"""`{% submission_token %}`: the hidden token of a create form (ceis/submissions.py)."""

from django import template
from django.utils.html import format_html

from ceis.submissions import FIELD, new_token

register = template.Library()


@register.simple_tag
def submission_token():
    """A fresh token each time the form is drawn: a new page is a new submission."""
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD, new_token())
