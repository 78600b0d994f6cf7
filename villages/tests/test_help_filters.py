"""The helps list filtered by theme or procedure: the same rows on SQLite and PostgreSQL."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ceis.choices import Role
from ceis.tests.factories import PersonFactory
from villages.choices import DigitalTheme, Procedure
from villages.tests.factories import IndividualHelpFactory

pytestmark = pytest.mark.django_db

HELPS = {
    "Alpha": ([DigitalTheme.SANTE, DigitalTheme.EMAIL], [Procedure.SOCIAL_SANTE]),
    "Bravo": ([DigitalTheme.EMAIL], [Procedure.LOGEMENT, Procedure.SOCIAL_SANTE]),
    "Charlie": ([], []),
    "Delta": ([DigitalTheme.AIDE_AUX_DEMARCHES_ADMINISTRATIVES], [Procedure.ARGENT_IMPOTS]),
}


@pytest.mark.parametrize(
    "params, names",
    [
        ({"theme": DigitalTheme.SANTE}, ["Alpha"]),
        ({"theme": DigitalTheme.EMAIL}, ["Alpha", "Bravo"]),
        ({"theme": DigitalTheme.BUREAUTIQUE}, []),
        # "social_sante" holds "sante": a procedure never matches a theme's code, nor a part.
        ({"procedure": Procedure.SOCIAL_SANTE}, ["Alpha", "Bravo"]),
        ({"procedure": Procedure.LOGEMENT}, ["Bravo"]),
        ({"theme": DigitalTheme.EMAIL, "procedure": Procedure.LOGEMENT}, ["Bravo"]),
        ({}, ["Alpha", "Bravo", "Charlie", "Delta"]),
    ],
)
def test_theme_and_procedure_filters(client_for, site, params, names):
    client = client_for(Role.MEDIATEUR_NUMERIQUE)
    for name, (themes, procedures) in HELPS.items():
        IndividualHelpFactory(
            site=site,
            person=PersonFactory(site=site, last_name=name),
            themes=themes,
            procedures=procedures,
        )
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("villages:help_list"), {**params, "ordering": "nom"})
    assert page.status_code == 200
    text = page.content.decode()
    assert [name for name in HELPS if name.upper() in text.upper()] == names
    sql = " ".join(q["sql"] for q in queries if "villages_individualhelp" in q["sql"])
    if params and connection.vendor == "postgresql":
        assert "@>" in sql  # JSON containment, which the GIN indexes serve
    if params and connection.vendor == "sqlite":
        assert "LIKE" in sql


def test_an_unknown_theme_is_refused_in_french(client_for, site):
    client = client_for(Role.MEDIATEUR_NUMERIQUE)
    IndividualHelpFactory(site=site, person=PersonFactory(site=site, last_name="Alpha"))
    page = client.get(reverse("villages:help_list"), {"theme": "inconnu"})
    assert page.status_code == 200
    assert "Sélectionnez un choix valide" in page.content.decode()
