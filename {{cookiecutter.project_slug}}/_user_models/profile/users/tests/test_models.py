from datetime import date

import pytest
from django.contrib.auth import authenticate, get_user_model

from users.models import Profile

User = get_user_model()

pytestmark = pytest.mark.django_db


def test_user_model_is_djangos_own():
    """The project keeps auth.User; the extra fields live on Profile."""
    assert get_user_model()._meta.label == "auth.User"


def test_create_user_gives_the_user_one_profile(password):
    """A user made by create_user() can log in and has exactly one profile."""
    user = User.objects.create_user("alice", "alice@example.com", password)
    assert Profile.objects.filter(user=user).count() == 1
    assert authenticate(username="alice", password=password) == user


def test_create_superuser_gives_the_user_one_profile(password):
    """A superuser gets a profile like any other user."""
    user = User.objects.create_superuser("root", "root@example.com", password)
    assert Profile.objects.filter(user=user).count() == 1


def test_profile_fields_are_optional():
    """A profile is valid with no data, so creating it with its user cannot fail."""
    profile = User.objects.create_user("bob").profile
    profile.full_clean()
    assert profile.date_of_birth is None
    assert profile.phone_number == ""
    assert Profile._meta.get_field("date_of_birth").verbose_name == "date of birth"
    assert Profile._meta.get_field("phone_number").verbose_name == "phone number"


def test_profile_fields_are_stored():
    """Values saved through user.profile are there when the user is loaded again."""
    user = User.objects.create_user("carol")
    user.profile.date_of_birth = date(1990, 5, 17)
    user.profile.phone_number = "+44 20 7946 0000"
    user.profile.save()
    profile = User.objects.get(username="carol").profile
    assert profile.date_of_birth == date(1990, 5, 17)
    assert profile.phone_number == "+44 20 7946 0000"
    assert str(profile) == "carol"


def test_reading_a_missing_profile_creates_it(django_assert_num_queries):
    """A user saved without post_save still has user.profile, created once."""
    User.objects.bulk_create([User(username="dave")])
    user = User.objects.get(username="dave")
    assert not Profile.objects.filter(user=user).exists()
    profile = user.profile
    assert profile.pk is not None
    assert profile.user == user
    with django_assert_num_queries(0):
        assert user.profile is profile
    assert User.objects.get(username="dave").profile == profile
    assert Profile.objects.filter(user=user).count() == 1


def test_reading_a_missing_profile_after_a_join_creates_it():
    """A join that found no profile does not make user.profile raise."""
    User.objects.bulk_create([User(username="erin")])
    user = User.objects.select_related("profile").get(username="erin")
    assert user.profile.phone_number == ""
    assert Profile.objects.filter(user=user).count() == 1


def test_an_unsaved_user_has_no_profile():
    """Nothing is created for a user whose row does not exist yet."""
    user = User(username="frank")
    with pytest.raises(User.profile.RelatedObjectDoesNotExist):
        user.profile  # noqa: B018
    assert not hasattr(user, "profile")
    assert not Profile.objects.exists()


def test_deleting_a_user_deletes_its_profile():
    """on_delete=CASCADE: no profile outlives its user."""
    user = User.objects.create_user("grace")
    user.delete()
    assert not Profile.objects.exists()


def test_deleting_a_profile_keeps_its_user():
    """The cascade only goes one way; the next read of user.profile makes a new one."""
    user = User.objects.create_user("heidi")
    user.profile.delete()
    user = User.objects.get(username="heidi")
    assert not Profile.objects.exists()
    assert user.profile.pk is not None
