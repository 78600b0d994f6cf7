import pytest
from django.urls import reverse

from ceis.choices import Role
from ceis.models import Person
from ceis.text import is_mobile_e164, phone_e164


@pytest.mark.parametrize(
    ("typed", "e164"),
    [
        ("06 12 34 56 78", "+33612345678"),
        ("06.39.12.34.56", "+33639123456"),
        ("+33 (0)7 12 34 56 78", "+33712345678"),
        ("0033 6 12 34 56 78", "+33612345678"),
        ("04 67 12 34 56", "+33467123456"),
        ("+32 470 12 34 56", "+32470123456"),
    ],
)
def test_numbers_are_written_in_e164(typed, e164):
    assert phone_e164(typed) == e164


@pytest.mark.parametrize("typed", ["12", "06 12 34 56 7", "06 12 34 56 789", "+32 12", "abc"])
def test_a_number_that_cannot_be_dialled_is_refused(typed):
    with pytest.raises(ValueError):
        phone_e164(typed)


def test_only_mobiles_receive_sms():
    assert is_mobile_e164("+33612345678")
    assert is_mobile_e164("+33712345678")
    assert not is_mobile_e164("+33467123456")
    assert is_mobile_e164("+32470123456")


@pytest.mark.django_db
def test_the_person_form_refuses_a_wrong_number_in_french_and_keeps_what_was_typed(
    client_for, site
):
    client = client_for(Role.TRAVAILLEUR_SOCIAL)
    data = {"site": site.pk, "last_name": "Morel", "first_name": "Lina", "phone": "06 12 34"}
    response = client.post(reverse("persons:create"), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Ce numéro de téléphone n&#x27;est pas valide" in page
    assert 'value="06 12 34"' in page
    assert not Person.objects.filter(last_name="Morel").exists()


@pytest.mark.django_db
def test_the_person_form_keeps_a_good_number_as_typed(client_for, site):
    client = client_for(Role.TRAVAILLEUR_SOCIAL)
    data = {"site": site.pk, "last_name": "Morel", "first_name": "Lina", "phone": "06 12 34 56 78"}
    response = client.post(reverse("persons:create"), data)
    assert response.status_code == 302
    assert Person.objects.get(last_name="Morel").phone == "06 12 34 56 78"
