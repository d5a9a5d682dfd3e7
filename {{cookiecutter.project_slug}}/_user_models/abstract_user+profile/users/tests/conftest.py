import pytest
from django.urls import reverse

# What a test types into a field it does not name. A field a team adds later (a
# CharField, as in docs/user-model.md) accepts it, so making that field
# required leaves the tests of everything else passing.
FILLED_IN = "filled in"


def every_field(forms, **values):
    """Return values, with FILLED_IN for each other field of the forms' classes."""
    return {
        **{name: FILLED_IN for form in forms for name in form.base_fields},
        **values,
    }


def page_forms(page):
    """Return the forms a page shows: one, or the user's and the profile's."""
    return page.context.get("forms") or [page.context["form"]]


@pytest.fixture
def sign_up_data(client, password):
    """Return what a newcomer types into every field of the sign-up page."""
    return every_field(
        page_forms(client.get(reverse("signup"))),
        username="newcomer",
        email="newcomer@example.com",
        password1=password,
        password2=password,
        date_of_birth="1990-04-01",
        phone_number="+44 20 7946 0000",
    )


@pytest.fixture
def account_data(client, user):
    """Return "Your account" as a browser sends it for the user fixture."""
    client.force_login(user)
    return every_field(
        page_forms(client.get(reverse("account"))),
        first_name="",
        last_name="",
        email="member@example.com",
        date_of_birth="1990-04-01",
        phone_number="+44 20 7946 0000",
    )
