"""
The apps a team usually adds next, each used as a person would use it: run with
pytest inside a generated project on third_party.settings.

Where the generated README gives a recipe for an app, a test here also shows what
goes wrong without it.
"""

import os

import pytest
from django.conf import settings
from django.contrib.auth import get_user, get_user_model
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from guardian.utils import get_anonymous_user

USER_MODEL = os.environ["USER_MODEL"]
EMAIL_LOGIN = USER_MODEL == "abstract_base_user"
PROFILE = USER_MODEL == "profile"
PASSWORD = "quartz-Lantern-58-meadow"
PHONE_NUMBER = "+33 1 23 45 67 89"
# What a person types to log in as the user make_user() creates: for an
# email login, the address in another case than the one it was created with.
MANAGER_LOGIN = "manager.made@EXAMPLE.com" if EMAIL_LOGIN else "manager"

pytestmark = pytest.mark.django_db


def people():
    """Every user but the anonymous one django-guardian's migrate creates."""
    return get_user_model().objects.exclude(pk=get_anonymous_user().pk)


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
    response = client.post(
        reverse("account_signup"), signup_data("New.Person@Example.com", "newcomer")
    )
    assert response.status_code == 302, response.context["form"].errors
    user = people().get()
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


def test_an_account_with_a_second_factor_still_owes_its_code_after_allauth(client):
    """allauth's log-in page signs in; every page then asks for the code first."""
    user = make_user()
    device = TOTPDevice.objects.create(user=user, name="Authenticator app")
    response = client.post(
        reverse("account_login"), {"login": MANAGER_LOGIN, "password": PASSWORD}
    )
    assert response.status_code == 302, response.context["form"].errors
    assert client.get(reverse("account")).url == reverse("login_code")
    code = f"{TOTP(device.bin_key).token():06d}"
    assert client.post(reverse("login_code"), {"otp_token": code}).url == (
        reverse("account")
    )
    assert client.get(reverse("account")).status_code == 200


@pytest.mark.skipif(not EMAIL_LOGIN, reason="this user model lets addresses repeat")
def test_allauth_signup_refuses_an_address_taken_in_another_case(client):
    """A form error, not a server error: allauth finds the stored spelling."""
    make_user()
    response = client.post(
        reverse("account_signup"),
        signup_data("manager.made@EXAMPLE.com", "unused"),
    )
    assert response.status_code == 200
    assert "email" in response.context["form"].errors
    assert people().count() == 1
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
    assert people().count() == 1


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


def test_system_checks_pass_with_the_apps():
    """manage.py check --fail-level WARNING: no app's check objects to the user model."""
    call_command("check", fail_level="WARNING")


def test_the_apps_leave_the_project_without_a_missing_migration():
    """manage.py makemigrations --check: every model matches its migrations."""
    call_command("makemigrations", check=True, dry_run=True, verbosity=0)


def make_staff_user(**extra_fields):
    User = get_user_model()
    if EMAIL_LOGIN:
        return User.objects.create_user("staff@example.com", PASSWORD, **extra_fields)
    return User.objects.create_user(
        "staff", "staff@example.com", PASSWORD, **extra_fields
    )


def test_pytest_django_admin_client_opens_the_admin(admin_client, admin_user, client):
    """pytest-django makes its admin with the project's login field."""
    assert admin_user.get_username() == (
        "admin@example.com" if EMAIL_LOGIN else "admin"
    )
    assert admin_client.get(reverse("admin:index")).status_code == 200
    opts = get_user_model()._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    response = admin_client.get(url)
    assert response.status_code == 200
    assert admin_user.get_username() in response.text
    # The admin it made is a real account: it logs in through the log-in page.
    response = client.post(
        reverse("account_login"),
        {"login": admin_user.get_username(), "password": "password"},
    )
    assert response.status_code == 302
    assert logged_in_pk(client) == admin_user.pk


def registration_data(email, username):
    data = {"email": email, "password1": PASSWORD, "password2": PASSWORD}
    if not EMAIL_LOGIN:
        data["username"] = username
    return data


def test_dj_rest_auth_registers_a_user_who_gets_a_token(client):
    response = client.post(
        reverse("rest_register"),
        registration_data("New.Person@Example.com", "newcomer"),
    )
    assert response.status_code == 201, response.content
    user = people().get()
    if EMAIL_LOGIN:
        assert user.email == "new.person@example.com"
        login = {"email": "NEW.PERSON@example.com"}
    else:
        login = {"username": "newcomer"}
    response = client.post(reverse("rest_login"), {**login, "password": PASSWORD})
    assert response.status_code == 200, response.content
    token = response.json()["key"]
    client.logout()
    response = client.get(reverse("api_me"), HTTP_AUTHORIZATION=f"Token {token}")
    assert response.json()["pk"] == user.pk


@pytest.mark.skipif(not EMAIL_LOGIN, reason="this user model lets addresses repeat")
def test_dj_rest_auth_refuses_an_address_taken_in_another_case(client):
    """A 400 naming the field, not a 500 from the database's constraint."""
    make_user()
    response = client.post(
        reverse("rest_register"), registration_data("manager.made@EXAMPLE.com", "")
    )
    assert response.status_code == 400
    assert list(response.json()) == ["email"]
    assert people().count() == 1


@pytest.mark.skipif(not EMAIL_LOGIN, reason="the recipe is for a user without username")
def test_dj_rest_auth_stock_serializer_needs_the_recipe():
    """
    Stock, it asks for a username; without one, it lets a taken address through
    to the database's constraint.
    """
    from dj_rest_auth.registration.serializers import RegisterSerializer

    serializer = RegisterSerializer(data=registration_data("new@example.com", ""))
    assert not serializer.is_valid()
    assert list(serializer.errors) == ["username"]

    class WithoutUsername(RegisterSerializer):
        username = None

    make_user()
    data = registration_data("manager.made@example.com", "")
    assert WithoutUsername(data=data).is_valid()


def test_staff_find_a_user_by_email_and_impersonate_them(client):
    user = make_user()
    staff = make_staff_user(is_staff=True)
    client.force_login(staff)
    response = client.get(reverse("impersonate-search"), {"q": "MANAGER.made"})
    assert response.status_code == 200
    start = reverse("impersonate-start", args=[user.pk])
    assert start in response.text
    assert client.get(start).status_code == 302
    assert client.get(reverse("api_me")).json()["pk"] == user.pk
    client.get(reverse("impersonate-stop"))
    assert client.get(reverse("api_me")).json()["pk"] == staff.pk


@pytest.mark.skipif(not EMAIL_LOGIN, reason="this user model has names to search")
def test_impersonate_search_needs_the_recipe(client, settings):
    """By default it also searches first and last names, which this user lacks."""
    from django.core.exceptions import FieldError

    settings.IMPERSONATE = {}
    client.force_login(make_staff_user(is_staff=True))
    with pytest.raises(FieldError, match=r"'(first|last)_name'"):
        client.get(reverse("impersonate-search"), {"q": "manager"})


def wagtail_user_data(email, username):
    data = {"email": email, "password1": PASSWORD, "password2": PASSWORD}
    if not EMAIL_LOGIN:
        data.update(username=username, first_name="Ada", last_name="Lovelace")
    return data


def test_wagtail_admin_creates_and_edits_a_user(client):
    User = get_user_model()
    client.force_login(make_staff_user(is_superuser=True, is_staff=True))
    response = client.get(reverse("wagtailusers_users:add"))
    assert response.status_code == 200
    if EMAIL_LOGIN:
        assert 'name="first_name"' not in response.text
    response = client.post(
        reverse("wagtailusers_users:add"),
        wagtail_user_data("Wagtail.Made@Example.com", "wagtailmade"),
    )
    assert response.status_code == 302, response.context["form"].errors
    user = User.objects.get(email__iexact="wagtail.made@example.com")
    assert user.check_password(PASSWORD)
    if EMAIL_LOGIN:
        assert user.email == "wagtail.made@example.com"
    if PROFILE:
        from users.models import Profile

        assert Profile.objects.filter(user=user).exists()

    data = {**wagtail_user_data(user.email, "wagtailmade"), "is_active": ""}
    response = client.post(reverse("wagtailusers_users:edit", args=[user.pk]), data)
    assert response.status_code == 302, response.context["form"].errors
    user.refresh_from_db()
    assert not user.is_active


@pytest.mark.skipif(not EMAIL_LOGIN, reason="this user model lets addresses repeat")
def test_wagtail_admin_refuses_an_address_taken_in_another_case(client):
    make_user()
    client.force_login(make_staff_user(is_superuser=True, is_staff=True))
    response = client.post(
        reverse("wagtailusers_users:add"),
        wagtail_user_data("manager.made@EXAMPLE.com", ""),
    )
    assert response.status_code == 200
    assert "email" in response.context["form"].errors
    assert people().count() == 2


@pytest.mark.skipif(not EMAIL_LOGIN, reason="this user model has names")
def test_wagtail_stock_user_form_needs_the_recipe():
    """Stock, it requires first and last names that this user has nowhere to keep."""
    from wagtail.users.forms import UserCreationForm

    form = UserCreationForm(data=wagtail_user_data("new@example.com", ""))
    assert not form.is_valid()
    assert set(form.errors) == {"first_name", "last_name"}


def test_guardian_anonymous_user_and_object_permissions():
    from django.contrib.auth.models import Group
    from guardian.conf import settings as guardian_settings
    from guardian.shortcuts import assign_perm, get_objects_for_user

    anonymous = get_anonymous_user()
    assert anonymous.get_username() == guardian_settings.ANONYMOUS_USER_NAME
    assert not anonymous.has_usable_password()
    # A valid user by the project's own rules, so the admin can edit it.
    anonymous.full_clean()

    user = make_user()
    editors, readers = Group.objects.create(name="editors"), Group(name="readers")
    readers.save()
    assign_perm("auth.change_group", user, editors)
    assert user.has_perm("auth.change_group", editors)
    assert not user.has_perm("auth.change_group", readers)
    assert list(get_objects_for_user(user, "auth.change_group")) == [editors]


@pytest.mark.skipif(not EMAIL_LOGIN, reason="guardian's default is a valid username")
def test_guardian_default_anonymous_user_needs_the_recipe(monkeypatch):
    """Stock, its anonymous user's login is no email address."""
    from django.core.exceptions import ValidationError
    from guardian.conf import settings as guardian_settings
    from guardian.management import get_init_anonymous_user

    monkeypatch.setattr(guardian_settings, "ANONYMOUS_USER_NAME", "AnonymousUser")
    with pytest.raises(ValidationError) as raised:
        get_init_anonymous_user(get_user_model()).full_clean()
    assert list(raised.value.message_dict) == ["email"]
