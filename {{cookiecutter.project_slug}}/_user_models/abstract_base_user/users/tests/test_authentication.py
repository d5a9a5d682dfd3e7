import re

import pytest
from asgiref.sync import async_to_sync
from django.contrib.auth import aauthenticate, authenticate
from django.contrib.auth.forms import AuthenticationForm
from django.core import mail
from django.urls import reverse

from users.models import User

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("keyword", ["email", "username"])
def test_authenticate_ignores_the_case_of_the_email(user, password, keyword):
    """authenticate() finds the user by email in any case, under either keyword."""
    assert authenticate(**{keyword: "Member@EXAMPLE.com", "password": password}) == user


def test_async_authenticate_ignores_the_case_of_the_email(user, password):
    """aauthenticate() finds the user by email in any case, as authenticate() does."""
    authenticate_async = async_to_sync(aauthenticate)
    assert authenticate_async(email="MEMBER@example.com", password=password) == user


def test_authenticate_refuses_a_wrong_password(user):
    """The right email with a wrong password authenticates no one."""
    assert authenticate(email=user.email, password="not the password") is None


def test_client_logs_in_with_the_email_in_another_case(client, user, password):
    """A session is opened for the user whatever case the email is typed in."""
    assert client.login(username="MEMBER@example.com", password=password)
    assert int(client.session["_auth_user_id"]) == user.pk


def test_login_page_accepts_the_email_in_another_case(client, user, password):
    """The login page logs the user in with the email typed in another case."""
    response = client.post(
        reverse("login"), {"username": "Member@Example.com", "password": password}
    )
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == user.pk


def test_login_form_asks_for_the_email_address():
    """Django's login form labels its field "Email address" and limits its length."""
    field = AuthenticationForm().fields["username"]
    assert str(field.label) == "Email address"
    assert field.max_length == 254


def test_inactive_user_cannot_log_in(client, user, password):
    """Clearing is_active refuses the user's correct password."""
    user.is_active = False
    user.save()
    assert authenticate(email=user.email, password=password) is None
    assert not client.login(username=user.email, password=password)


def test_deactivating_a_user_ends_their_session(client, user):
    """An open session turns anonymous on the next request once is_active is cleared."""
    client.force_login(user)
    User.objects.filter(pk=user.pk).update(is_active=False)
    response = client.get(reverse("password_change"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_password_reset_mails_the_user_once(client, user):
    """A reset asked for with the email in another case sends one mail."""
    response = client.post(reverse("password_reset"), {"email": "MEMBER@Example.COM"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["member@example.com"]


def test_password_reset_link_sets_a_new_password(client, user):
    """The link in the reset mail leads to a form that sets the new password."""
    client.post(reverse("password_reset"), {"email": user.email})
    link = re.search(r"https?://[^/\s]+(/\S+/)", mail.outbox[0].body)[1]
    form_url = client.get(link).url
    new_password = "a brand new secret phrase"
    response = client.post(
        form_url, {"new_password1": new_password, "new_password2": new_password}
    )
    assert response.status_code == 302
    assert authenticate(email=user.email, password=new_password) == user


def test_password_reset_skips_inactive_users(client, user):
    """No reset mail goes to a user whose is_active is cleared."""
    user.is_active = False
    user.save()
    client.post(reverse("password_reset"), {"email": user.email})
    assert mail.outbox == []
