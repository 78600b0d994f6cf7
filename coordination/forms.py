"""Forms of the partner directory and of orientations: crispy, explicit fields, partners and
sites limited to the user's own."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Fieldset, Layout, Row
from django import forms

from ceis.bounds import BoundedForm, BoundedModelForm
from ceis.models import Site

from .choices import OrientationStatus
from .models import Orientation, Partner

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _helper(*layout):
    helper = FormHelper()
    helper.form_tag = False
    if layout:
        helper.layout = Layout(*layout)
    return helper


class PartnerForm(BoundedModelForm):
    """A new partner is of one of the user's sites; an existing one stays on its site."""

    class Meta:
        model = Partner
        fields = ["site", "name", "category", "address", "contact"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["site"]
            self.helper = _helper(Row(Column("name"), Column("category")), "address", "contact")
            return
        self.fields["site"].queryset = Site.objects.visible_to(user)
        sites = user.site_list
        if len(sites) == 1:
            self.fields["site"].initial = sites[0].pk
        self.helper = _helper(
            Row(Column("site"), Column("name"), Column("category")), "address", "contact"
        )


class OrientationForm(BoundedModelForm):
    """A new orientation: its partner among the site's, what the person agreed to share."""

    class Meta:
        model = Orientation
        fields = [
            "partner",
            "date",
            "reason",
            "note",
            "share_contact",
            "share_education",
            "share_situation",
            "share_reason",
        ]
        widgets = {"date": DATE, "note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, partners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = partners
        self.helper = _helper(
            Row(Column("partner"), Column("date")),
            "reason",
            "note",
            Fieldset(
                "La personne accepte que la fiche de liaison indique",
                "share_reason",
                "share_contact",
                "share_education",
                "share_situation",
            ),
        )

    def _post_clean(self):
        # The model's rules that need the source (`Orientation.clean`) run in the service.
        pass


class StatusForm(BoundedForm):
    status = forms.ChoiceField(label="Statut", choices=OrientationStatus.choices)
    status_date = forms.DateField(label="Date", widget=DATE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(Row(Column("status"), Column("status_date")))
