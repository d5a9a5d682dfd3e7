import pytest
from django.contrib.auth import get_user_model
from django.db import IntegrityError
from django.urls import reverse

from users.forms import ProfileForm, SignUpForm
from users.models import Profile

pytestmark = pytest.mark.django_db


User = get_user_model()


def test_sign_up_saves_one_profile_with_the_values(client, sign_up_data):
    """The signal's profile is the one filled in: exactly one, carrying the values."""
    response = client.post(reverse("signup"), sign_up_data)
    assert response.status_code == 302
    user = User.objects.get(username="newcomer")
    (profile,) = Profile.objects.filter(user=user)
    assert str(profile.date_of_birth) == "1990-04-01"
    assert profile.phone_number == "+44 20 7946 0000"
    assert client.session["_auth_user_id"] == str(user.pk)


def test_failed_profile_save_leaves_no_user_behind(client, sign_up_data, monkeypatch):
    """User and profile are saved in one transaction."""

    def fail(form, commit=True):
        raise IntegrityError("simulated failure")

    monkeypatch.setattr(ProfileForm, "save", fail)
    with pytest.raises(IntegrityError):
        client.post(reverse("signup"), sign_up_data)
    assert not User.objects.filter(username="newcomer").exists()
    assert not Profile.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"password2": "something else entirely"}, "password2"),
        ({"email": ""}, "email"),
        ({"username": "Member"}, "username"),
        ({"date_of_birth": "not a date"}, "date_of_birth"),
    ],
    ids=["mismatch", "no-email", "taken-any-case", "bad-date"],
)
def test_sign_up_refuses_bad_input_with_a_field_error(
    client, user, sign_up_data, change, field
):
    """Each mistake is named on its field, and no account is created."""
    response = client.post(reverse("signup"), {**sign_up_data, **change})
    assert response.status_code == 200
    form = next(f for f in response.context["forms"] if field in f.fields)
    assert form.has_error(field)
    assert User.objects.count() == 1


def test_account_page_edits_the_user_and_the_profile(
    client, user, account_data, password
):
    """Both forms are saved together."""
    client.force_login(user)
    response = client.post(
        reverse("account"),
        {
            **account_data,
            "first_name": "Ada",
            "last_name": "Lovelace",
            "email": "ada@example.com",
            "current_password": password,
            "date_of_birth": "1815-12-10",
            "phone_number": "+44 1",
        },
        follow=True,
    )
    assert "Your details were saved." in response.content.decode()
    user.refresh_from_db()
    assert (user.first_name, user.email) == ("Ada", "ada@example.com")
    assert user.profile.phone_number == "+44 1"
    assert Profile.objects.filter(user=user).count() == 1


def test_account_page_saves_nothing_when_a_form_is_wrong(client, user):
    """An error in either form saves neither."""
    client.force_login(user)
    response = client.post(
        reverse("account"),
        {"first_name": "Ada", "email": "ada@example.com", "date_of_birth": "nope"},
    )
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.first_name == ""


def test_two_sign_ups_at_once_make_one_account(client, sign_up_data, monkeypatch):
    """The loser of the race is told the username is taken, not shown an error."""
    original = SignUpForm.is_valid

    def valid_just_before_a_twin(form):
        valid = original(form)
        get_user_model().objects.create_user("newcomer")
        return valid

    monkeypatch.setattr(SignUpForm, "is_valid", valid_just_before_a_twin)
    response = client.post(reverse("signup"), sign_up_data)
    assert response.status_code == 200
    assert "A user with that username already exists." in response.content.decode()
    assert get_user_model().objects.filter(username="newcomer").count() == 1
