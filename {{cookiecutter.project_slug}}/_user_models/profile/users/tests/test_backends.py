import pytest
from asgiref.sync import async_to_sync
from django.contrib.auth import get_user_model
from django.http import HttpResponse
from django.test import AsyncClient
from django.urls import path

from users.backends import ProfileBackend
from users.models import Profile

User = get_user_model()


def phone_number(request):
    return HttpResponse(request.user.profile.phone_number)


async def async_phone_number(request):
    user = await request.auser()
    # Attribute access cannot query the database in async code: this read only
    # works because the profile came with the user.
    return HttpResponse(user.profile.phone_number)


urlpatterns = [
    path("phone/", phone_number),
    path("async-phone/", async_phone_number),
]

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


@pytest.fixture
def user(user):
    """The shared user, with a phone number on its profile."""
    user.profile.phone_number = "+1 555 0100"
    user.profile.save()
    return user


def get_user(user_id):
    return ProfileBackend().get_user(user_id)


def aget_user(user_id):
    return async_to_sync(ProfileBackend().aget_user)(user_id)


def test_get_user_loads_the_profile_in_the_same_query(user, django_assert_num_queries):
    """One query brings the user and its profile."""
    with django_assert_num_queries(1):
        loaded = get_user(user.pk)
        assert loaded.profile.phone_number == "+1 555 0100"


def test_aget_user_loads_the_profile_in_the_same_query(user):
    """The async path, used by request.auser(), joins the profile too."""
    loaded = aget_user(user.pk)
    assert loaded == user
    assert "profile" in loaded._state.fields_cache
    assert loaded.profile.phone_number == "+1 555 0100"


def test_aget_user_gives_a_user_without_profile_one():
    """In async code the loaded user's profile can be read even if it was missing."""
    User.objects.bulk_create([User(username="bob")])
    user_id = User.objects.get(username="bob").pk

    async def read_phone_number():
        user = await ProfileBackend().aget_user(user_id)
        return user.profile.phone_number

    assert async_to_sync(read_phone_number)() == ""
    assert Profile.objects.filter(user_id=user_id).count() == 1


@pytest.mark.parametrize("load", [get_user, aget_user], ids=["sync", "async"])
def test_inactive_or_unknown_users_are_not_loaded(user, load):
    """As with ModelBackend, an unknown or inactive user's session is anonymous."""
    assert load(user.pk + 1) is None
    user.is_active = False
    user.save()
    assert load(user.pk) is None


def test_login_goes_through_the_profile_backend(user, client, password):
    """The session remembers ProfileBackend, so it is the one that loads the user."""
    assert client.login(username=user.username, password=password)
    assert client.session["_auth_user_backend"] == "users.backends.ProfileBackend"


def test_request_reads_the_profile_without_a_query_of_its_own(
    user, client, django_assert_num_queries
):
    """Loading the session and the user, with its profile joined, is all it costs."""
    client.force_login(user)
    with django_assert_num_queries(2):
        response = client.get("/phone/")
    assert response.content == b"+1 555 0100"


def test_model_backend_would_cost_a_query_for_the_profile(
    user, client, settings, django_assert_num_queries
):
    """What ProfileBackend saves: with Django's own backend the profile is a third query."""
    settings.AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
    client.force_login(user)
    with django_assert_num_queries(3):
        response = client.get("/phone/")
    assert response.content == b"+1 555 0100"


def test_async_request_reads_the_profile_without_a_query_of_its_own(
    user, django_assert_num_queries
):
    """An async view gets the profile with await request.auser(), in the same query."""
    client = AsyncClient()
    client.force_login(user)
    with django_assert_num_queries(2):
        response = async_to_sync(client.get)("/async-phone/")
    assert response.content == b"+1 555 0100"
