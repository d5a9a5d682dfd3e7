import pytest

from users.forms import UserCreationForm
from users.models import User

PASSWORD = "correct horse battery staple"

pytestmark = pytest.mark.django_db


def signup_data(**overrides):
    return {
        "username": "erin",
        "email": "erin@example.com",
        "date_of_birth": "1991-02-03",
        "phone_number": "+1 555 0100",
        "password1": PASSWORD,
        "password2": PASSWORD,
        **overrides,
    }


def test_creation_form_saves_the_extra_fields():
    form = UserCreationForm(data=signup_data())
    assert form.is_valid(), form.errors
    user = form.save()
    assert user.phone_number == "+1 555 0100"
    assert str(user.date_of_birth) == "1991-02-03"
    assert user.check_password(PASSWORD)


def test_creation_form_refuses_a_username_differing_only_in_case():
    User.objects.create_user("erin")
    form = UserCreationForm(data=signup_data(username="ERIN"))
    assert not form.is_valid()
    assert "username" in form.errors


def test_creation_form_runs_the_password_validators():
    form = UserCreationForm(data=signup_data(password1="erin", password2="erin"))
    assert not form.is_valid()
    assert "password2" in form.errors
