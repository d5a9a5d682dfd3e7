from datetime import date
from io import StringIO

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command

from users.models import User

PASSWORD = "correct horse battery staple"

pytestmark = pytest.mark.django_db


def test_user_model_is_the_projects():
    assert get_user_model() is User


def test_create_user_with_username_and_password():
    user = User.objects.create_user("alice", "alice@EXAMPLE.com", PASSWORD)
    assert user.email == "alice@example.com"
    assert user.check_password(PASSWORD)
    assert user.is_active
    assert not user.is_staff
    assert not user.is_superuser
    assert authenticate(username="alice", password=PASSWORD) == user


def test_create_superuser():
    user = User.objects.create_superuser("root", "root@example.com", PASSWORD)
    assert user.is_staff
    assert user.is_superuser
    assert user.has_perm("users.delete_user")


def test_extra_fields_are_optional():
    user = User.objects.create_user("bob", password=PASSWORD)
    user.full_clean()
    assert user.date_of_birth is None
    assert user.phone_number == ""


def test_extra_fields_are_stored_on_the_user():
    User.objects.create_user(
        "carol", date_of_birth=date(1990, 5, 17), phone_number="+44 20 7946 0000"
    )
    user = User.objects.get(username="carol")
    assert user.date_of_birth == date(1990, 5, 17)
    assert user.phone_number == "+44 20 7946 0000"


def test_inactive_user_cannot_log_in():
    User.objects.create_user("dave", password=PASSWORD, is_active=False)
    assert authenticate(username="dave", password=PASSWORD) is None


def test_createsuperuser_without_input(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_USERNAME", "admin")
    monkeypatch.setenv("DJANGO_SUPERUSER_EMAIL", "admin@example.com")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", PASSWORD)
    call_command("createsuperuser", interactive=False, stdout=StringIO())
    user = User.objects.get(username="admin")
    assert user.is_superuser
    assert user.check_password(PASSWORD)


class FakeTerminal(StringIO):
    def isatty(self):
        return True


def test_createsuperuser_interactively(monkeypatch):
    answers = iter(["admin", "admin@example.com"])
    monkeypatch.setattr("builtins.input", lambda prompt="": next(answers))
    monkeypatch.setattr("getpass.getpass", lambda prompt="": PASSWORD)
    call_command("createsuperuser", stdin=FakeTerminal(), stdout=StringIO())
    user = User.objects.get(username="admin")
    assert user.is_superuser
    assert user.email == "admin@example.com"
    assert user.check_password(PASSWORD)
