"""
Sign-up, login and token authentication through django-allauth and Django REST
framework, run with pytest inside a generated project on third_party.settings.
"""

import os

import pytest
from django.conf import settings
from django.contrib.auth import get_user, get_user_model
from django.test import RequestFactory
from django.urls import reverse

USER_MODEL = os.environ["USER_MODEL"]
EMAIL_LOGIN = USER_MODEL == "abstract_base_user"
PROFILE = USER_MODEL == "profile"
PASSWORD = "quartz-Lantern-58-meadow"
PHONE_NUMBER = "+33 1 23 45 67 89"
# What a person types to log in as the user make_user() creates: for an
# email login, the address in another case than the one it was created with.
MANAGER_LOGIN = "manager.made@EXAMPLE.com" if EMAIL_LOGIN else "manager"

pytestmark = pytest.mark.django_db


def make_user():
    """Create a user with the project's own manager, as a data import would."""
    User = get_user_model()
    if EMAIL_LOGIN:
        return User.objects.create_user("Manager.Made@Example.com", PASSWORD)
    return User.objects.create_user("manager", "Manager.Made@Example.com", PASSWORD)


def set_phone_number(user, phone_number):
    owner = user.profile if PROFILE else user
    owner.phone_number = phone_number
    owner.save()


def signup_data(email, username):
    data = {"email": email, "password1": PASSWORD, "password2": PASSWORD}
    if not EMAIL_LOGIN:
        data["username"] = username
    return data


def logged_in_pk(client):
    return int(client.session["_auth_user_id"])


def test_allauth_signup_creates_a_user_who_can_log_in(client):
    User = get_user_model()
    response = client.post(
        reverse("account_signup"), signup_data("New.Person@Example.com", "newcomer")
    )
    assert response.status_code == 302, response.context["form"].errors
    user = User.objects.get()
    assert logged_in_pk(client) == user.pk
    if EMAIL_LOGIN:
        assert user.email == "new.person@example.com"
    if PROFILE:
        from users.models import Profile

        assert Profile.objects.filter(user=user).count() == 1

    client.post(reverse("account_logout"))
    assert "_auth_user_id" not in client.session
    login = "NEW.PERSON@example.com" if EMAIL_LOGIN else "newcomer"
    response = client.post(
        reverse("account_login"), {"login": login, "password": PASSWORD}
    )
    assert response.status_code == 302, response.context["form"].errors
    assert logged_in_pk(client) == user.pk
    # The session allauth opened authenticates API requests too.
    response = client.get(reverse("api_me"))
    assert response.status_code == 200
    assert response.json() == {
        "pk": user.pk,
        "login": user.get_username(),
        "phone_number": "",
    }


def test_a_user_made_by_the_manager_logs_in_through_allauth(client):
    """A user allauth did not create, so without allauth's email records."""
    user = make_user()
    response = client.post(
        reverse("account_login"), {"login": MANAGER_LOGIN, "password": PASSWORD}
    )
    assert response.status_code == 302, response.context["form"].errors
    assert logged_in_pk(client) == user.pk


@pytest.mark.skipif(not EMAIL_LOGIN, reason="this user model lets addresses repeat")
def test_allauth_signup_refuses_an_address_taken_in_another_case(client):
    """A form error, not a server error: allauth finds the stored spelling."""
    User = get_user_model()
    make_user()
    response = client.post(
        reverse("account_signup"),
        signup_data("manager.made@EXAMPLE.com", "unused"),
    )
    assert response.status_code == 200
    assert "email" in response.context["form"].errors
    assert User.objects.count() == 1
    assert "_auth_user_id" not in client.session


@pytest.mark.skipif(not EMAIL_LOGIN, reason="this user model lets addresses repeat")
def test_allauth_signup_stores_the_managers_spelling(client):
    """A full-width letter is folded as the manager folds it: one account."""
    User = get_user_model()
    User.objects.create_user("nfkc@example.com", PASSWORD)
    response = client.post(
        reverse("account_signup"), signup_data("NFKC@\uff45xample.com", "unused")
    )
    assert response.status_code == 200
    assert "email" in response.context["form"].errors
    assert User.objects.count() == 1


@pytest.mark.skipif(not PROFILE, reason="only the profile lives in another table")
def test_users_allauth_logs_in_are_loaded_with_their_profile(client):
    response = client.post(
        reverse("account_signup"), signup_data("someone@example.com", "someone")
    )
    assert response.status_code == 302, response.context["form"].errors
    request = RequestFactory().get("/")
    request.session = client.session
    assert "profile" in get_user(request)._state.fields_cache


def test_rest_framework_token_authenticates_the_user(client):
    """obtain_auth_token checks the login as Django does; the token finds the user."""
    user = make_user()
    set_phone_number(user, PHONE_NUMBER)
    url = reverse("api_token")
    response = client.post(url, {"username": MANAGER_LOGIN, "password": "wrong"})
    assert response.status_code == 400
    response = client.post(url, {"username": MANAGER_LOGIN, "password": PASSWORD})
    assert response.status_code == 200, response.content
    token = response.json()["token"]

    assert client.get(reverse("api_me")).status_code == 401
    response = client.get(reverse("api_me"), HTTP_AUTHORIZATION=f"Token {token}")
    assert response.status_code == 200, response.content
    assert response.json() == {
        "pk": user.pk,
        "login": user.get_username(),
        "phone_number": PHONE_NUMBER,
    }


def test_the_apps_are_installed():
    """Guard against a settings module that silently fell back to the project's."""
    assert "allauth.account" in settings.INSTALLED_APPS
    assert settings.ROOT_URLCONF == "third_party.urls"
