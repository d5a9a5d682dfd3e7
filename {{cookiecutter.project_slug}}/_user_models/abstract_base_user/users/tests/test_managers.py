from datetime import date
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from users.models import User

pytestmark = pytest.mark.django_db


def test_user_model_is_the_projects():
    """AUTH_USER_MODEL names the project's own users.User."""
    assert get_user_model() is User


def test_create_user_with_email_and_password(password):
    """The address is stored stripped and wholly lower-cased."""
    user = User.objects.create_user("  Alice.Smith@EXAMPLE.com ", password)
    assert user.email == "alice.smith@example.com"
    assert user.get_username() == "alice.smith@example.com"
    assert user.check_password(password)
    assert user.is_active
    assert not user.is_staff
    assert not user.is_superuser


def test_create_user_without_password_cannot_log_in_with_one():
    """A user created without a password gets an unusable one."""
    user = User.objects.create_user("bob@example.com")
    assert not user.has_usable_password()


@pytest.mark.parametrize("email", [None, "", "   "], ids=["none", "empty", "blank"])
def test_create_user_requires_an_email(email, password):
    """No user is created without an address; blanks count as none."""
    with pytest.raises(ValueError, match="The given email must be set"):
        User.objects.create_user(email, password)


def test_extra_fields_are_optional(user):
    """A user with no date of birth or phone number passes model validation."""
    user.full_clean()
    assert user.date_of_birth is None
    assert user.phone_number == ""


def test_extra_fields_are_stored_on_the_user():
    """The date of birth and phone number are there when the user is loaded again."""
    User.objects.create_user(
        "dora@example.com",
        date_of_birth=date(1990, 5, 17),
        phone_number="+44 20 7946 0000",
    )
    user = User.objects.get(email="dora@example.com")
    assert user.date_of_birth == date(1990, 5, 17)
    assert user.phone_number == "+44 20 7946 0000"


def test_create_superuser(password):
    """A superuser is staff, holds every permission, and has the one spelling."""
    user = User.objects.create_superuser("Root@Example.com", password)
    assert user.email == "root@example.com"
    assert user.is_staff
    assert user.is_superuser
    assert user.has_perm("users.delete_user")


@pytest.mark.parametrize("flag", ["is_staff", "is_superuser"])
def test_superuser_must_keep_staff_and_superuser_status(flag, password):
    """create_superuser() refuses to clear either flag and saves nothing."""
    with pytest.raises(ValueError, match=f"Superuser must have {flag}=True."):
        User.objects.create_superuser("root@example.com", password, **{flag: False})
    assert not User.objects.exists()


def test_natural_key_ignores_case_and_surrounding_spaces(user):
    """The lookup behind login finds the user by address in any case, and only them."""
    assert User.objects.get_by_natural_key(" MEMBER@Example.COM") == user
    with pytest.raises(User.DoesNotExist):
        User.objects.get_by_natural_key("member@example.org")


def test_natural_key_finds_an_address_stored_around_the_manager():
    """A row written by bulk_create() in mixed case is still found."""
    (user,) = User.objects.bulk_create([User(email="Fay@Example.com")])
    assert User.objects.get_by_natural_key("fay@example.com").pk == user.pk


def test_natural_key_lookup_is_answered_from_the_case_insensitive_index():
    """Login's lookup compares the expression the Lower("email") index is built on."""
    User.objects.create_user("hal@example.com")
    if connection.vendor == "postgresql":
        # A table this small would otherwise be read whole, index or not.
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
    plan = User.objects.with_email("HAL@example.com").explain()
    assert "users_user_email_ci_unique" in plan


def test_manager_works_in_data_migrations(password):
    """A data migration can create users through the historical model."""
    # The state after the latest migration: the one a data migration added now
    # would see, and the one the test database's tables were made from.
    state = MigrationLoader(connection).project_state()
    HistoricalUser = state.apps.get_model("users", "User")
    user = HistoricalUser.objects.create_user("Gus@Example.com", password)
    assert User.objects.get(pk=user.pk).check_password(password)
    assert user.email == "gus@example.com"


def test_createsuperuser_needs_only_email_and_password(monkeypatch, password):
    """createsuperuser --noinput takes the email and password from the environment."""
    monkeypatch.setenv("DJANGO_SUPERUSER_EMAIL", "Admin@Example.COM")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", password)
    call_command("createsuperuser", interactive=False, stdout=StringIO())
    user = User.objects.get()
    assert user.email == "admin@example.com"
    assert user.is_superuser
    assert user.check_password(password)


def test_createsuperuser_refuses_an_email_differing_only_in_case(monkeypatch, password):
    """An address taken in another case stops createsuperuser with an error."""
    User.objects.create_user("admin@example.com")
    monkeypatch.setenv("DJANGO_SUPERUSER_EMAIL", "ADMIN@example.com")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", password)
    with pytest.raises(CommandError, match="already taken"):
        call_command("createsuperuser", interactive=False, stdout=StringIO())
    assert User.objects.count() == 1


def test_createsuperuser_interactively(terminal, password):
    """Only the email address and the password are asked for."""
    call_command(
        "createsuperuser", stdin=terminal("Admin@Example.com"), stdout=StringIO()
    )
    user = User.objects.get()
    assert user.email == "admin@example.com"
    assert user.is_superuser
    assert user.check_password(password)
