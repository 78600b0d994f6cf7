"""Password change and reset, as a member of staff goes through them."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from ceis.choices import Role


@pytest.mark.django_db
def test_password_reset_by_email_then_login_with_the_new_password(client, make_user):
    make_user(Role.MEDIATEUR_NUMERIQUE, username="karim", email="karim@ceis.invalid")
    response = client.post(reverse("password_reset"), {"email": "karim@ceis.invalid"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "Réinitialisation de votre mot de passe CEIS"
    link = re.search(r"https?://[^/]+(/mot-de-passe/reinitialiser/\S+)", message.body).group(1)

    form_page = client.get(link, follow=True)
    assert "Choisissez un nouveau mot de passe" in form_page.content.decode()
    set_url = form_page.redirect_chain[-1][0]
    too_short = client.post(set_url, {"new_password1": "court-12", "new_password2": "court-12"})
    assert "au minimum 12 caractères" in too_short.content.decode()
    done = client.post(
        set_url,
        {"new_password1": "nouvelle-phrase-2026", "new_password2": "nouvelle-phrase-2026"},
    )
    assert done.status_code == 302
    login = client.post(reverse("login"), {"username": "karim", "password": "nouvelle-phrase-2026"})
    assert login.status_code == 302
    assert login["Location"] == reverse("home")


@pytest.mark.django_db
def test_unknown_email_gets_the_same_answer_and_no_mail(client):
    response = client.post(reverse("password_reset"), {"email": "inconnu@ceis.invalid"})
    assert response.status_code == 302
    assert mail.outbox == []


@pytest.mark.django_db
def test_password_change_refuses_a_wrong_old_password_and_keeps_the_session(client, make_user):
    user = make_user(Role.VOLONTAIRE)
    client.force_login(user)
    refused = client.post(
        reverse("password_change"),
        {
            "old_password": "pas-le-bon",
            "new_password1": "nouvelle-phrase-2026",
            "new_password2": "nouvelle-phrase-2026",
        },
    )
    assert "Votre ancien mot de passe est incorrect" in refused.content.decode()
    accepted = client.post(
        reverse("password_change"),
        {
            "old_password": "motdepasse-de-test",
            "new_password1": "nouvelle-phrase-2026",
            "new_password2": "nouvelle-phrase-2026",
        },
    )
    assert accepted["Location"] == reverse("password_change_done")
    assert client.get(reverse("home")).status_code == 200
