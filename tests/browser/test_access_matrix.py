"""Every role, in the browser: the lists and forms its role refuses answer the French 403 page
("Accès refusé"); the page of an object its role may not see, like another site's object, answers
404 ("Page introuvable"); its own pages open."""

import pytest

from ceis.choices import Role
from ceis.tests.factories import PersonFactory
from unisvers.tests.factories import CohortFactory, EnrollmentFactory
from villages.tests.factories import IndividualHelpFactory, SessionFactory

from .conftest import force_login

pytestmark = pytest.mark.browser

OK, REFUSED, NOT_FOUND = 200, 403, 404

# role → [(url template, expected status)]; {cohort}, {session}, {person}, {help} are objects of
# the user's site, {other_cohort}, {other_session}, {other_person} of another site.
MATRIX = {
    Role.TRAVAILLEUR_SOCIAL: [
        ("/unisvers/promotions/{cohort}/", OK),
        ("/unisvers/participants/{person}/", OK),
        ("/unisvers/promotions/{other_cohort}/", NOT_FOUND),
        ("/personnes/{other_person}/", NOT_FOUND),
        ("/villages/seances/", REFUSED),
        ("/villages/accompagnements/", REFUSED),
        ("/villages/accueil-libre/", REFUSED),
        ("/villages/personnes/{person}/", NOT_FOUND),
        ("/bilans/", REFUSED),
        ("/journal/", REFUSED),
    ],
    Role.MEDIATEUR_NUMERIQUE: [
        ("/villages/seances/{session}/", OK),
        ("/villages/accompagnements/{help}/", OK),
        ("/villages/seances/{other_session}/", NOT_FOUND),
        ("/unisvers/", REFUSED),
        ("/unisvers/promotions/{cohort}/", NOT_FOUND),
        ("/unisvers/participants/{person}/", NOT_FOUND),
        ("/bilans/", REFUSED),
        ("/journal/", REFUSED),
    ],
    Role.VOLONTAIRE: [
        ("/villages/accueil-libre/", OK),
        ("/villages/seances/{session}/pointage/", OK),
        ("/villages/seances/{other_session}/pointage/", NOT_FOUND),
        ("/villages/seances/{session}/", NOT_FOUND),
        ("/villages/seances/nouvelle/", REFUSED),
        ("/villages/accompagnements/", REFUSED),
        ("/villages/accompagnements/{help}/", NOT_FOUND),
        ("/villages/personnes/{person}/diagnostic/", NOT_FOUND),
        ("/unisvers/", REFUSED),
        ("/bilans/", REFUSED),
    ],
    Role.MANAGER: [
        ("/bilans/", OK),
        ("/unisvers/promotions/{cohort}/", OK),
        ("/villages/seances/passees/", OK),
        ("/unisvers/promotions/{other_cohort}/", NOT_FOUND),
        ("/unisvers/participants/{person}/", NOT_FOUND),
        ("/personnes/{person}/", NOT_FOUND),
        ("/villages/seances/{session}/", NOT_FOUND),
        ("/villages/seances/{session}/pointage/", NOT_FOUND),
        ("/villages/accompagnements/", REFUSED),
        ("/villages/accueil-libre/", REFUSED),
        ("/journal/", REFUSED),
    ],
    Role.ADMIN: [
        ("/journal/", OK),
        ("/unisvers/participants/{person}/", OK),
        ("/villages/accompagnements/{help}/", OK),
        ("/bilans/", OK),
        ("/unisvers/promotions/{other_cohort}/", OK),  # administrators see every site
    ],
}
TITLES = {REFUSED: "Accès refusé", NOT_FOUND: "Page introuvable"}


@pytest.mark.parametrize("role", list(MATRIX))
def test_refused_pages_answer_as_the_access_matrix_says(
    role, page, live_server, make_user, site, other_site
):
    person = PersonFactory(site=site)
    cohort = CohortFactory(site=site, calendar=False)
    EnrollmentFactory(cohort=cohort, person=person)
    objects = {
        "cohort": cohort.public_id,
        "person": person.public_id,
        "session": SessionFactory(site=site).public_id,
        "help": IndividualHelpFactory(site=site, person=person).public_id,
        "other_cohort": CohortFactory(site=other_site, calendar=False).public_id,
        "other_session": SessionFactory(site=other_site).public_id,
        "other_person": PersonFactory(site=other_site).public_id,
    }
    force_login(page.context, make_user(role), live_server)
    for template, expected in MATRIX[role]:
        url = template.format(**objects)
        response = page.goto(url)
        title = page.locator("h1").first.inner_text()
        if expected in TITLES:
            ok = response.status == expected and title == TITLES[expected]
        else:
            ok = response.status == expected and title not in TITLES.values()
        assert ok, f"{role} {url}: {response.status} « {title} », attendu {expected}"
