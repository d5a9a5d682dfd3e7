import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from users.forms import SignUpForm

pytestmark = pytest.mark.django_db


User = get_user_model()


def test_sign_up_creates_the_account_and_logs_in(
    client, sign_up_data, django_user_model
):
    """The new member lands on the home page, signed in, with every field saved."""
    response = client.post(reverse("signup"), sign_up_data)
    assert response.status_code == 302
    assert response.url == reverse("home")
    user = django_user_model.objects.get(username="newcomer")
    assert user.email == "newcomer@example.com"
    assert str(user.date_of_birth) == "1990-04-01"
    assert user.phone_number == "+44 20 7946 0000"
    assert client.session["_auth_user_id"] == str(user.pk)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"password2": "something else entirely"}, "password2"),
        ({"password1": "short", "password2": "short"}, "password2"),
        ({"email": ""}, "email"),
        ({"email": "not an address"}, "email"),
        ({"username": "Member"}, "username"),
        ({"date_of_birth": "1990-13-45"}, "date_of_birth"),
    ],
    ids=["mismatch", "weak", "no-email", "bad-email", "taken-any-case", "bad-date"],
)
def test_sign_up_refuses_bad_input_with_a_field_error(
    client, user, sign_up_data, django_user_model, change, field
):
    """Each mistake is named on its field, and no account is created."""
    response = client.post(reverse("signup"), {**sign_up_data, **change})
    assert response.status_code == 200
    assert response.context["form"].has_error(field)
    assert django_user_model.objects.count() == 1


def test_account_page_edits_the_members_own_fields(client, user, password):
    """Names, email and the extra fields are saved; the page says so."""
    client.force_login(user)
    response = client.post(
        reverse("account"),
        {
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
    assert (user.first_name, user.email, str(user.date_of_birth)) == (
        "Ada",
        "ada@example.com",
        "1815-12-10",
    )


def test_account_page_cannot_change_the_username_or_rights(client, user):
    """Fields outside the form are ignored, whatever is posted."""
    client.force_login(user)
    client.post(
        reverse("account"),
        {
            "email": user.email,
            "username": "root",
            "is_staff": "on",
            "is_superuser": "on",
        },
    )
    user.refresh_from_db()
    assert (user.username, user.is_staff, user.is_superuser) == ("member", False, False)


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
