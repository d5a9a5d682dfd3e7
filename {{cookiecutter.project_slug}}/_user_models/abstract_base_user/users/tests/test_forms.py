import pytest

from users.forms import AdminUserCreationForm, UserChangeForm, UserCreationForm
from users.models import User

EMAIL_TAKEN = "A user with that email address already exists."

pytestmark = pytest.mark.django_db


@pytest.fixture
def signup_data(password):
    """Return a sign-up form's data, with these fields changed."""

    def data(**overrides):
        return {
            "email": "Pia.Ng@Example.COM",
            "date_of_birth": "1991-02-03",
            "phone_number": "+1 555 0100",
            "password1": password,
            "password2": password,
            **overrides,
        }

    return data


def test_creation_form_asks_for_email_not_username():
    """The sign-up form opens with the email address and has no username."""
    fields = list(UserCreationForm().fields)
    assert fields[0] == "email"
    assert fields[-2:] == ["password1", "password2"]
    assert "username" not in fields


def test_creation_form_saves_the_one_spelling_and_the_extra_fields(
    signup_data, password
):
    """The sign-up form stores the email lower-cased, the extra fields and the password."""
    form = UserCreationForm(data=signup_data())
    assert form.is_valid(), form.errors
    user = form.save()
    assert user.email == "pia.ng@example.com"
    assert user.phone_number == "+1 555 0100"
    assert str(user.date_of_birth) == "1991-02-03"
    assert user.check_password(password)


def test_creation_form_refuses_an_email_differing_only_in_case(signup_data):
    """A second user whose email differs only in case is refused."""
    User.objects.create_user("pia.ng@example.com")
    form = UserCreationForm(data=signup_data())
    assert not form.is_valid()
    assert form.errors == {"email": [EMAIL_TAKEN]}


def test_creation_form_refuses_a_case_variant_stored_around_the_manager(signup_data):
    """An address saved in another case by bulk_create() is refused as well."""
    User.objects.bulk_create([User(email="PIA.NG@example.com")])
    form = UserCreationForm(data=signup_data())
    assert form.errors == {"email": [EMAIL_TAKEN]}


def test_creation_form_runs_the_password_validators(signup_data):
    """A password too close to the email address is refused."""
    form = UserCreationForm(
        data=signup_data(password1="pia.ng@example", password2="pia.ng@example")
    )
    assert not form.is_valid()
    assert "password2" in form.errors


def test_admin_creation_form_can_leave_the_password_unusable():
    """The admin's add form saves a user without a usable password on request."""
    form = AdminUserCreationForm(
        data={"email": "Quinn@Example.com", "usable_password": "false"}
    )
    assert form.is_valid(), form.errors
    user = form.save()
    assert user.email == "quinn@example.com"
    assert not user.has_usable_password()


def test_admin_creation_form_refuses_an_email_differing_only_in_case():
    """The admin's add form refuses an address taken in another case."""
    User.objects.create_user("quinn@example.com")
    form = AdminUserCreationForm(
        data={"email": "QUINN@example.com", "usable_password": "false"}
    )
    assert form.errors == {"email": [EMAIL_TAKEN]}


def test_change_form_never_edits_the_password(user):
    """The change form shows the password field disabled and offers no new one."""
    form = UserChangeForm(instance=user)
    assert form.fields["password"].disabled
    assert "password1" not in form.fields


def test_change_form_keeps_the_users_own_email_in_another_case(user):
    """A user may retype their own email in another case; it is stored lower-cased."""
    data = {"email": "Member@Example.com", "date_joined": "2024-01-01 00:00:00"}
    form = UserChangeForm(data=data, instance=user)
    assert form.is_valid(), form.errors
    assert form.save().email == "member@example.com"


def test_change_form_refuses_another_users_email_in_another_case(user):
    """Taking another user's address, in another case, is refused."""
    User.objects.create_user("tom@example.com")
    data = {"email": "TOM@example.com", "date_joined": "2024-01-01 00:00:00"}
    form = UserChangeForm(data=data, instance=user)
    assert form.errors == {"email": [EMAIL_TAKEN]}
