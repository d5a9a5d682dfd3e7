"""Settings and fixtures for every test of this project."""

import gc
import re
from io import StringIO

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import override_settings
from django.utils.html import escape
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice


def pytest_configure(config):
    # Through override_settings, so that code which read these settings while
    # Django started (an app opening its file storages, say) reads them again.
    override_settings(
        # Hashing with the production hasher costs a quarter of a second each.
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        # Static files come from the apps' folders, as under runserver, so the
        # tests need no collectstatic; deploying checks production's hashed names.
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {
                "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
            },
        },
        # WhiteNoise then finds them there too, at each request.
        WHITENOISE_AUTOREFRESH=True,
        WHITENOISE_USE_FINDERS=True,
        # django-axes needs the request in every authenticate() call, which
        # client.login() and plain authenticate() do not pass; the throttling
        # tests switch it back on with the settings fixture.
        AXES_ENABLED=False,
        # A cache in the test process, emptied after each test: the mail limits
        # count in it, and one test's mail must not use up the next one's.
        CACHES={
            "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
        },
        # Mail is sent within the request, as while DEBUG is on: the tests read
        # it from mail.outbox without a worker.
        TASKS={
            "default": {
                "BACKEND": f"{settings.TASKS_PACKAGE}.backends.immediate.ImmediateBackend"
            }
        },
    ).enable()


def pytest_collection_finish(session):
    # Django, the admin and the test modules stay loaded until the run ends:
    # frozen, the garbage collector stops walking them again at each full pass.
    gc.freeze()


@pytest.fixture(autouse=True)
def empty_cache():
    """Empty the cache after each test, so no count runs into the next one."""
    yield
    cache.clear()


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


@pytest.fixture
def member(client, user):
    """Return the user, logged in with the client."""
    client.force_login(user)
    return user


@pytest.fixture
def verified_login(client):
    """
    Return a function that logs client in as a user, second factor included.

    The admin lets in only staff whose session was verified with a code, so the
    session carries an authenticator app's device, as after signing in with one.
    """

    def log_in(user):
        client.force_login(user)
        device = TOTPDevice.objects.create(user=user, name="Authenticator app")
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
        return client

    return log_in


@pytest.fixture
def admin_client(admin_user, verified_login):
    """Return pytest-django's admin client, with the second factor the admin asks for."""
    return verified_login(admin_user)


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


@pytest.fixture
def mailed_link():
    """Return a function giving the path of the first link in a mail."""

    def path(message):
        return re.search(r"https?://[^/\s]+(/\S*)", message.body)[1]

    return path


@pytest.fixture
def assert_in_the_sites_layout():
    """Return a function asserting that a page uses the site's layout and name."""

    def assertion(page):
        assert f"| {escape(settings.SITE_NAME)}</title>" in page
        assert "/static/css/site.css" in page

    return assertion
