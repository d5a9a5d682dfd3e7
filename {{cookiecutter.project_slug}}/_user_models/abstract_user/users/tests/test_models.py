from datetime import date
from io import StringIO

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command

from users.models import User

pytestmark = pytest.mark.django_db


def test_user_model_is_the_projects():
    """AUTH_USER_MODEL names the project's own users.User."""
    assert get_user_model() is User


def test_create_user_with_username_and_password(password):
    """A new user is active, not staff, and logs in with the username."""
    user = User.objects.create_user("alice", "alice@EXAMPLE.com", password)
    assert user.email == "alice@example.com"
    assert user.check_password(password)
    assert user.is_active
    assert not user.is_staff
    assert not user.is_superuser
    assert authenticate(username="alice", password=password) == user


def test_create_superuser(password):
    """A superuser is staff and holds every permission."""
    user = User.objects.create_superuser("root", "root@example.com", password)
    assert user.is_staff
    assert user.is_superuser
    assert user.has_perm("users.delete_user")


def test_extra_fields_are_optional(user):
    """A user with no date of birth or phone number passes model validation."""
    user.full_clean()
    assert user.date_of_birth is None
    assert user.phone_number == ""


def test_extra_fields_are_stored_on_the_user():
    """The date of birth and phone number are there when the user is loaded again."""
    User.objects.create_user(
        "carol", date_of_birth=date(1990, 5, 17), phone_number="+44 20 7946 0000"
    )
    user = User.objects.get(username="carol")
    assert user.date_of_birth == date(1990, 5, 17)
    assert user.phone_number == "+44 20 7946 0000"


def test_inactive_user_cannot_log_in(user, password):
    """Clearing is_active refuses the user's correct password."""
    user.is_active = False
    user.save()
    assert authenticate(username=user.username, password=password) is None


def test_createsuperuser_without_input(monkeypatch, password):
    """createsuperuser --noinput takes the username, email and password from the environment."""
    monkeypatch.setenv("DJANGO_SUPERUSER_USERNAME", "admin")
    monkeypatch.setenv("DJANGO_SUPERUSER_EMAIL", "admin@example.com")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", password)
    call_command("createsuperuser", interactive=False, stdout=StringIO())
    user = User.objects.get(username="admin")
    assert user.is_superuser
    assert user.check_password(password)


def test_createsuperuser_interactively(terminal, password):
    """The command asks for the username, the email address and the password."""
    call_command(
        "createsuperuser",
        stdin=terminal("admin", "admin@example.com"),
        stdout=StringIO(),
    )
    user = User.objects.get(username="admin")
    assert user.is_superuser
    assert user.email == "admin@example.com"
    assert user.check_password(password)
