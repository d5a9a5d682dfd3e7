import gc
from io import StringIO

import pytest
from django.conf import settings


def pytest_configure(config):
    # Hashing with the production hasher costs a quarter of a second per password.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Static files come from the apps' folders, as under runserver, so the tests
    # need no collectstatic; production's hashed names are checked by deploying.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }
    settings.WHITENOISE_AUTOREFRESH = True
    settings.WHITENOISE_USE_FINDERS = True


def pytest_collection_finish(session):
    # Django, the admin and the test modules stay loaded until the run ends:
    # frozen, the garbage collector stops walking them again at each full pass.
    gc.freeze()


@pytest.fixture
def password():
    """Return a password that every validator in AUTH_PASSWORD_VALIDATORS accepts."""
    return "correct horse battery staple"


@pytest.fixture
def user(django_user_model, django_username_field, password):
    """Return a saved user, "member" or "member@example.com", who logs in with password."""
    fields = {
        django_username_field: "member",
        # Where the email address is the login, this replaces the line above.
        django_user_model.get_email_field_name(): "member@example.com",
    }
    return django_user_model.objects.create_user(**fields, password=password)


class FakeTerminal(StringIO):
    """Standard input that says it is a terminal, so commands ask their questions."""

    def isatty(self):
        return True


@pytest.fixture
def terminal(monkeypatch, password):
    """
    Return a function giving standard input for a command run at a terminal.

    Its arguments answer the command's questions in turn; every password prompt
    is answered with the password fixture.
    """

    def answering(*answers):
        typed = iter(answers)
        monkeypatch.setattr("builtins.input", lambda prompt="": next(typed))
        monkeypatch.setattr("getpass.getpass", lambda prompt="": password)
        return FakeTerminal()

    return answering
