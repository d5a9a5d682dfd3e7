from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from users.models import Profile

User = get_user_model()

pytestmark = pytest.mark.django_db


def ensure_profiles(*args):
    stdout = StringIO()
    call_command("ensure_profiles", *args, stdout=stdout)
    return stdout.getvalue().strip()


def bulk_create_users(*usernames):
    """Save users as bulk_create() does: without post_save, so without profiles."""
    User.objects.bulk_create([User(username=username) for username in usernames])


def test_ensure_profiles_creates_the_missing_ones_once():
    """A second run finds nothing to do and says so."""
    User.objects.create_user("alice")
    bulk_create_users("bob", "carol", "dave")
    assert ensure_profiles() == "Created 3 missing profiles."
    assert Profile.objects.count() == User.objects.count() == 4
    assert ensure_profiles() == "Created 0 missing profiles."
    assert Profile.objects.count() == 4


def test_ensure_profiles_reports_a_single_profile():
    """The message is in the singular for one profile."""
    bulk_create_users("erin")
    assert ensure_profiles("--database", "default") == "Created 1 missing profile."


def test_ensure_profiles_is_quiet_at_verbosity_zero():
    """--verbosity 0 prints nothing but still creates the profiles."""
    bulk_create_users("frank")
    assert ensure_profiles("--verbosity", "0") == ""
    assert Profile.objects.count() == 1


def test_ensure_profiles_costs_the_same_queries_for_5_users_as_for_50():
    """Profiles are created in bulk, not with a query per user."""
    bulk_create_users(*(f"a{number}" for number in range(5)))
    with CaptureQueriesContext(connection) as five:
        assert ensure_profiles() == "Created 5 missing profiles."
    bulk_create_users(*(f"b{number}" for number in range(50)))
    with CaptureQueriesContext(connection) as fifty:
        assert ensure_profiles() == "Created 50 missing profiles."
    assert len(five) == len(fifty)
    assert Profile.objects.count() == User.objects.count() == 55


def test_createsuperuser_without_input(monkeypatch, password):
    """createsuperuser --noinput, from the environment, ends with one profile."""
    monkeypatch.setenv("DJANGO_SUPERUSER_USERNAME", "admin")
    monkeypatch.setenv("DJANGO_SUPERUSER_EMAIL", "admin@example.com")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", password)
    call_command("createsuperuser", interactive=False, stdout=StringIO())
    user = User.objects.get(username="admin")
    assert user.is_superuser
    assert user.check_password(password)
    assert Profile.objects.filter(user=user).count() == 1


def test_createsuperuser_interactively(terminal, password):
    """The interactive createsuperuser ends with one profile too."""
    call_command(
        "createsuperuser",
        stdin=terminal("admin", "admin@example.com"),
        stdout=StringIO(),
    )
    user = User.objects.get(username="admin")
    assert user.is_superuser
    assert user.email == "admin@example.com"
    assert user.check_password(password)
    assert Profile.objects.filter(user=user).count() == 1
