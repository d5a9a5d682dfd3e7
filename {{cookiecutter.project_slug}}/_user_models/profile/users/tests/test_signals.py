import json
from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.db.models.signals import post_save
from django.db.utils import ConnectionDoesNotExist
from django.test.utils import CaptureQueriesContext

from users.models import Profile

User = get_user_model()

pytestmark = pytest.mark.django_db


def test_saving_a_user_again_keeps_one_profile():
    """Only the first save creates a profile."""
    user = User.objects.create_user("alice")
    user.first_name = "Alice"
    user.save()
    user.save(update_fields=["last_name"])
    assert Profile.objects.filter(user=user).count() == 1


def test_get_or_create_user_gives_one_profile():
    """The user made by get_or_create() has a profile; getting it again adds none."""
    user, created = User.objects.get_or_create(username="bob")
    assert created
    again, created = User.objects.get_or_create(username="bob")
    assert not created
    assert again == user
    assert Profile.objects.filter(user=user).count() == 1


def test_profile_made_by_an_earlier_receiver_is_kept():
    """Another post_save receiver that read user.profile first leaves one profile."""

    def read_profile_first(sender, instance, created, **kwargs):
        instance.profile.phone_number = "+1 555 0100"
        instance.profile.save()

    # Receivers run in the order they were connected: put this one first.
    post_save.disconnect(sender=User, dispatch_uid="users.create_profile")
    post_save.connect(read_profile_first, sender=User, dispatch_uid="test-first")
    apps.get_app_config("users").ready()
    try:
        user = User.objects.create_user("carol")
    finally:
        post_save.disconnect(sender=User, dispatch_uid="test-first")
    assert Profile.objects.get(user=user).phone_number == "+1 555 0100"
    assert Profile.objects.filter(user=user).count() == 1


def test_ready_connects_the_receiver_once():
    """dispatch_uid keeps a second ready() from adding a second receiver."""
    with CaptureQueriesContext(connection) as once:
        User.objects.create_user("dave")
    apps.get_app_config("users").ready()
    with CaptureQueriesContext(connection) as again:
        User.objects.create_user("erin")
    assert len(again) == len(once)


def test_profile_goes_to_the_database_the_user_was_saved_to():
    """The receiver writes through post_save's using, not the default database."""
    user = User.objects.create_user("frank")
    with pytest.raises(ConnectionDoesNotExist, match="elsewhere"):
        post_save.send(
            sender=User,
            instance=user,
            created=True,
            update_fields=None,
            raw=False,
            using="elsewhere",
        )
    assert Profile.objects.filter(user=user).count() == 1


def write_fixture(tmp_path, objects):
    path = tmp_path / "people.json"
    path.write_text(json.dumps(objects), encoding="utf-8")
    return str(path)


def fixture_user(pk, username):
    return {
        "model": "auth.user",
        "pk": pk,
        "fields": {"username": username, "password": "!", "is_active": True},
    }


def test_fixture_with_users_and_profiles_loads(tmp_path):
    """loaddata sends post_save with raw=True; the fixture's own profiles are kept."""
    # Profile keys far from the next sequence value, so that a profile made by
    # the receiver could not be silently overwritten by the fixture's.
    fixture = write_fixture(
        tmp_path,
        [
            fixture_user(10, "grace"),
            fixture_user(11, "heidi"),
            {
                "model": "users.profile",
                "pk": 50,
                "fields": {"user": 10, "phone_number": "+33 1 00 00 00 10"},
            },
            {
                "model": "users.profile",
                "pk": 51,
                "fields": {"user": 11, "date_of_birth": "1970-01-01"},
            },
        ],
    )
    call_command("loaddata", fixture, stdout=StringIO())
    assert sorted(Profile.objects.values_list("pk", "user_id")) == [(50, 10), (51, 11)]
    assert User.objects.get(pk=10).profile.phone_number == "+33 1 00 00 00 10"


def test_fixture_with_users_only_loads_them_without_profiles(tmp_path):
    """ensure_profiles, or the first read of user.profile, fills the gap."""
    fixture = write_fixture(
        tmp_path, [fixture_user(10, "ivan"), fixture_user(11, "judy")]
    )
    call_command("loaddata", fixture, stdout=StringIO())
    assert not Profile.objects.exists()
    call_command("ensure_profiles", stdout=StringIO())
    assert Profile.objects.count() == 2


@pytest.fixture
def profiles_cannot_be_saved(monkeypatch):
    """Make the database refuse new profiles, as it would a required column left empty."""
    save = Profile.save

    def save_without_phone_number(self, *args, **kwargs):
        self.phone_number = None
        save(self, *args, **kwargs)

    monkeypatch.setattr(Profile, "save", save_without_phone_number)


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("profiles_cannot_be_saved")
def test_failed_profile_leaves_no_user_in_autocommit():
    """The user's row, already committed when post_save runs, is deleted again."""
    with pytest.raises(IntegrityError):
        User.objects.create_user("mallory")
    assert not User.objects.filter(username="mallory").exists()


@pytest.mark.usefixtures("profiles_cannot_be_saved")
def test_failed_profile_leaves_no_user_in_a_transaction():
    """The error reaches the caller's atomic(), which rolls the user back."""
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user("mallory")
    assert not User.objects.filter(username="mallory").exists()


@pytest.mark.usefixtures("profiles_cannot_be_saved")
def test_failed_profile_leaves_no_user_when_the_caller_catches_the_error():
    """Inside atomic(), a caught error would otherwise commit a user without profile."""
    with transaction.atomic():
        with pytest.raises(IntegrityError):
            User.objects.create_user("mallory")
        assert not User.objects.filter(username="mallory").exists()
    assert not User.objects.filter(username="mallory").exists()
