import re

import pytest
from asgiref.sync import async_to_sync
from django.contrib.auth import aauthenticate, authenticate
from django.contrib.auth.forms import AuthenticationForm
from django.core import mail
from django.urls import reverse

from users.models import User

PASSWORD = "correct horse battery staple"

pytestmark = pytest.mark.django_db


@pytest.fixture
def user():
    return User.objects.create_user("olga@example.com", PASSWORD)


@pytest.mark.parametrize("keyword", ["email", "username"])
def test_authenticate_ignores_the_case_of_the_email(user, keyword):
    assert authenticate(**{keyword: "Olga@EXAMPLE.com", "password": PASSWORD}) == user


def test_async_authenticate_ignores_the_case_of_the_email(user):
    authenticate_async = async_to_sync(aauthenticate)
    assert authenticate_async(email="OLGA@example.com", password=PASSWORD) == user


def test_authenticate_refuses_a_wrong_password(user):
    assert authenticate(email="olga@example.com", password="not the password") is None


def test_client_logs_in_with_the_email_in_another_case(client, user):
    assert client.login(username="OLGA@example.com", password=PASSWORD)
    assert int(client.session["_auth_user_id"]) == user.pk


def test_login_page_accepts_the_email_in_another_case(client, user):
    response = client.post(
        reverse("login"), {"username": "Olga@Example.com", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == user.pk


def test_login_form_asks_for_the_email_address():
    field = AuthenticationForm().fields["username"]
    assert str(field.label) == "Email address"
    assert field.max_length == 254


def test_inactive_user_cannot_log_in(client, user):
    user.is_active = False
    user.save()
    assert authenticate(email="olga@example.com", password=PASSWORD) is None
    assert not client.login(username="olga@example.com", password=PASSWORD)


def test_deactivating_a_user_ends_their_session(client, user):
    client.force_login(user)
    User.objects.filter(pk=user.pk).update(is_active=False)
    response = client.get(reverse("password_change"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_password_reset_mails_the_user_once(client, user):
    """A reset asked for with the email in another case sends one mail."""
    response = client.post(reverse("password_reset"), {"email": "OLGA@Example.COM"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["olga@example.com"]


def test_password_reset_link_sets_a_new_password(client, user):
    client.post(reverse("password_reset"), {"email": "olga@example.com"})
    link = re.search(r"https?://testserver(/\S+/)", mail.outbox[0].body)[1]
    form_url = client.get(link).url
    new_password = "a brand new secret phrase"
    response = client.post(
        form_url, {"new_password1": new_password, "new_password2": new_password}
    )
    assert response.status_code == 302
    assert authenticate(email="olga@example.com", password=new_password) == user


def test_password_reset_skips_inactive_users(client, user):
    user.is_active = False
    user.save()
    client.post(reverse("password_reset"), {"email": "olga@example.com"})
    assert mail.outbox == []
