import pytest


@pytest.fixture
def sign_up_data(password):
    """Return what a newcomer types into the sign-up form."""
    return {
        "username": "newcomer",
        "email": "newcomer@example.com",
        "password1": password,
        "password2": password,
        "date_of_birth": "1990-04-01",
        "phone_number": "+44 20 7946 0000",
    }
