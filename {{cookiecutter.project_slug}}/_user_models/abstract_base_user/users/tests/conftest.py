import pytest


@pytest.fixture
def sign_up_data(password):
    """Return what a newcomer types into the sign-up form."""
    return {
        "email": "newcomer@example.com",
        "password1": password,
        "password2": password,
        "date_of_birth": "1990-04-01",
        "phone_number": "+44 20 7946 0000",
    }


@pytest.fixture
def change_data():
    """Return a function giving the admin's change form as a browser sends it."""

    def data(user, **changes):
        return {
            "email": user.email,
            "date_of_birth": "2000-01-01",
            "phone_number": "+81 3 1234 5678",
            "is_active": "on",
            "date_joined_0": "2024-01-01",
            "date_joined_1": "00:00:00",
            **changes,
        }

    return data
