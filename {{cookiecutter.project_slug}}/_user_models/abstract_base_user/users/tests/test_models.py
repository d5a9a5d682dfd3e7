import pytest
from django.core import checks
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import IntegrityError, transaction

from users.models import User

EMAIL_TAKEN = "A user with that email address already exists."

pytestmark = pytest.mark.django_db


def test_email_is_the_login_and_there_is_no_username():
    """The email address is the unique login, and createsuperuser needs nothing else."""
    assert User.USERNAME_FIELD == "email"
    assert User.get_email_field_name() == "email"
    assert User.REQUIRED_FIELDS == []
    assert User._meta.get_field("email").unique
    with pytest.raises(FieldDoesNotExist):
        User._meta.get_field("username")


def test_permissions_come_from_the_mixin():
    """PermissionsMixin gives the superuser flag, groups and permissions."""
    names = {field.name for field in User._meta.get_fields()}
    assert {"is_superuser", "groups", "user_permissions"} <= names


def test_system_checks_pass():
    """Django's checks, auth's among them, find nothing to report."""
    assert checks.run_checks() == []


def test_clean_stores_the_one_spelling():
    """Model validation strips the address and lower-cases it."""
    user = User(email=" Hana@EXAMPLE.com")
    user.clean()
    assert user.email == "hana@example.com"


def test_full_clean_refuses_an_email_differing_only_in_case():
    """Model validation reports a case variant once, on the email field."""
    User.objects.create_user("ivan@example.com")
    with pytest.raises(ValidationError) as error:
        User(email="IVAN@example.com", password="!").full_clean()
    assert error.value.message_dict == {"email": [EMAIL_TAKEN]}


def test_constraint_explains_a_duplicate_to_model_validation():
    """The case-insensitive constraint carries the message users see."""
    User.objects.create_user("jane@example.com")
    with pytest.raises(ValidationError) as error:
        User(email="Jane@Example.com").validate_constraints()
    assert error.value.messages == [EMAIL_TAKEN]


def test_database_refuses_the_same_email_twice():
    """The manager's second user with the same address fails in the database."""
    User.objects.create_user("kim@example.com")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user("KIM@example.com")


def test_database_refuses_a_case_variant_written_around_the_manager():
    """A second user whose email differs only in case is refused by the database."""
    User.objects.create_user("leo@example.com")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.bulk_create([User(email="Leo@Example.com")])
    assert User.objects.count() == 1


def test_database_refuses_an_update_to_a_case_variant():
    """QuerySet.update() cannot give a user another's address in another case."""
    User.objects.create_user("mia@example.com")
    other = User.objects.create_user("noah@example.com")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.filter(pk=other.pk).update(email="MIA@example.com")
