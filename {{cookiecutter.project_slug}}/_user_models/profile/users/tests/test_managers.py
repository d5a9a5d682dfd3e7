from datetime import date

import pytest
from asgiref.sync import async_to_sync
from django.contrib.auth import authenticate, get_user_model
from django.core.exceptions import SynchronousOnlyOperation
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext

from users.models import Profile

User = get_user_model()

pytestmark = pytest.mark.django_db


def new_profiles(*usernames, password=None):
    """Unsaved profiles, each holding an unsaved user with this password, if any."""
    profiles = []
    for username in usernames:
        user = User(username=username, email=f"{username}@example.com")
        user.set_password(password)
        profiles.append(Profile(user=user, phone_number=f"+1 555 {username}"))
    return profiles


def test_bulk_create_with_users_saves_users_and_profiles(password):
    """Each user is saved with its profile's data, and can log in."""
    profiles = Profile.objects.bulk_create_with_users(
        new_profiles("ivan", "judy", password=password)
    )
    assert [profile.pk is not None for profile in profiles] == [True, True]
    judy = User.objects.get(username="judy")
    assert judy.profile.phone_number == "+1 555 judy"
    assert judy.profile.date_of_birth is None
    assert authenticate(username="judy", password=password) == judy
    assert Profile.objects.count() == User.objects.count() == 2


def test_bulk_create_with_users_keeps_every_profile_field():
    """A profile given only some fields keeps them and the defaults."""
    (profile,) = Profile.objects.bulk_create_with_users(
        [Profile(user=User(username="leo"), date_of_birth=date(2001, 2, 3))]
    )
    assert profile.user.profile is profile
    profile = User.objects.get(username="leo").profile
    assert profile.date_of_birth == date(2001, 2, 3)
    assert profile.phone_number == ""


def test_bulk_create_with_users_costs_the_same_queries_for_5_as_for_50():
    """The number of queries does not grow with the number of users."""
    with CaptureQueriesContext(connection) as five:
        Profile.objects.bulk_create_with_users(new_profiles(*map(str, range(5))))
    with CaptureQueriesContext(connection) as fifty:
        Profile.objects.bulk_create_with_users(new_profiles(*map(str, range(100, 150))))
    assert len(five) == len(fifty)
    assert Profile.objects.count() == User.objects.count() == 55


def test_bulk_create_with_users_without_returned_primary_keys(monkeypatch):
    """On databases whose bulk INSERT returns no keys (MySQL), users are read back."""
    monkeypatch.setattr(
        type(connection.features), "can_return_rows_from_bulk_insert", False
    )
    Profile.objects.bulk_create_with_users(new_profiles("mike", "nina"))
    assert User.objects.get(username="nina").profile.phone_number == "+1 555 nina"
    assert Profile.objects.count() == User.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_bulk_create_with_users_saves_no_user_when_a_profile_fails():
    """Users and profiles are saved in one transaction, even in autocommit."""
    profiles = [*new_profiles("peggy"), Profile(user=User(username="oscar"))]
    # NOT NULL in the database: the users' INSERT succeeds, the profiles' fails.
    profiles[1].phone_number = None
    with pytest.raises(IntegrityError):
        Profile.objects.bulk_create_with_users(profiles)
    assert not User.objects.exists()
    assert not Profile.objects.exists()


def test_create_missing_gives_every_user_a_profile():
    """Only users without a profile get one, and a second call creates none."""
    User.objects.create_user("quinn")
    User.objects.bulk_create([User(username="rupert"), User(username="sybil")])
    assert Profile.objects.create_missing() == 2
    assert Profile.objects.create_missing() == 0
    assert Profile.objects.count() == User.objects.count() == 3


def test_async_code_cannot_read_a_missing_profile_as_an_attribute():
    """Creating the row takes a query, which user.profile cannot run in async code."""
    User.objects.bulk_create([User(username="tina")])
    user = User.objects.get(username="tina")

    async def read():
        return user.profile

    with pytest.raises(SynchronousOnlyOperation):
        async_to_sync(read)()


def test_aget_for_user_creates_a_missing_profile_in_async_code():
    """After it, user.profile and profile.user are plain reads in async code too."""
    User.objects.bulk_create([User(username="ursula")])
    user = User.objects.get(username="ursula")

    async def read():
        profile = await Profile.objects.aget_for_user(user)
        return profile, user.profile, profile.user

    profile, cached, owner = async_to_sync(read)()
    assert profile.pk is not None
    assert cached is profile
    assert owner is user
    assert Profile.objects.filter(user=user).count() == 1


def test_aget_for_user_reads_an_existing_profile():
    """A user loaded without its profile gets the one in the database, not a new one."""
    profile = User.objects.create_user("victor").profile
    user = User.objects.get(username="victor")
    assert async_to_sync(Profile.objects.aget_for_user)(user) == profile
    assert Profile.objects.count() == 1


def test_aget_for_user_costs_no_query_for_a_joined_profile(django_assert_num_queries):
    """A profile that came with the user through select_related() is returned as it is."""
    User.objects.create_user("wendy")
    user = User.objects.select_related("profile").get(username="wendy")
    with django_assert_num_queries(0):
        profile = async_to_sync(Profile.objects.aget_for_user)(user)
    assert profile is user.profile
