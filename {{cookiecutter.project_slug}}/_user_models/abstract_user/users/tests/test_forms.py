import pytest

from users.forms import UserCreationForm
from users.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def signup_data(password):
    """Return a sign-up form's data, with these fields changed."""

    def data(**overrides):
        return {
            "username": "erin",
            "email": "erin@example.com",
            "date_of_birth": "1991-02-03",
            "phone_number": "+1 555 0100",
            "password1": password,
            "password2": password,
            **overrides,
        }

    return data


def test_creation_form_saves_the_extra_fields(signup_data, password):
    """The sign-up form stores the date of birth, the phone number and the password."""
    form = UserCreationForm(data=signup_data())
    assert form.is_valid(), form.errors
    user = form.save()
    assert user.phone_number == "+1 555 0100"
    assert str(user.date_of_birth) == "1991-02-03"
    assert user.check_password(password)


def test_creation_form_refuses_a_username_differing_only_in_case(signup_data):
    """A second user whose username differs only in case is refused."""
    User.objects.create_user("erin")
    form = UserCreationForm(data=signup_data(username="ERIN"))
    assert not form.is_valid()
    assert "username" in form.errors


def test_creation_form_runs_the_password_validators(signup_data):
    """A password equal to the username is refused."""
    form = UserCreationForm(data=signup_data(password1="erin", password2="erin"))
    assert not form.is_valid()
    assert "password2" in form.errors
