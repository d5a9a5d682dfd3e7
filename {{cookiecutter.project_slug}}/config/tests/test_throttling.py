from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import authenticate
from django.core import mail
from django.db.models import F
from django.urls import reverse

from config.tests.test_pages import mailed_link

pytestmark = pytest.mark.django_db

# The figures the settings promise: five failures, then fifteen minutes' pause.
FAILURES_ALLOWED = 5
COOL_OFF = timedelta(minutes=15)


@pytest.fixture(autouse=True)
def throttling(settings):
    """django-axes is off in the other tests; these are about it."""
    settings.AXES_ENABLED = True


@pytest.fixture
def second_failure_locks(settings):
    """
    Lock out at the second failure rather than the fifth.

    For the tests about what a lockout does rather than when it starts, which the
    first tests check with the settings' own figure: each failed log-in costs
    django-axes several queries, and those tests need not repeat five of them.
    """
    settings.AXES_FAILURE_LIMIT = 2


def log_in(client, user, password, url="login"):
    return client.post(
        reverse(url), {"username": user.get_username(), "password": password}
    )


def fail(client, user, times, url="login"):
    for _ in range(times):
        assert log_in(client, user, "wrong", url).status_code == 200


def lock_out(client, user, url="login"):
    """Fail as often as allowed: the last failure locks the account out."""
    fail(client, user, settings.AXES_FAILURE_LIMIT - 1, url)
    assert log_in(client, user, "wrong", url).status_code == 429


def age_attempts(by):
    """Move the recorded failures back in time, as if `by` had passed."""
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - by)


def test_settings_state_the_figures(settings):
    """The settings allow five failures and pause for fifteen minutes."""
    assert settings.AXES_FAILURE_LIMIT == FAILURES_ALLOWED
    assert settings.AXES_COOLOFF_TIME == COOL_OFF


def test_right_password_works_after_fewer_failures(client, user, password):
    """Four mistakes are forgiven."""
    fail(client, user, FAILURES_ALLOWED - 1)
    assert log_in(client, user, password).status_code == 302


def test_lockout_refuses_even_the_right_password(client, user, password):
    """After the fifth failure, attempts are refused with a page that says why."""
    lock_out(client, user)
    response = log_in(client, user, password)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    page = response.content.decode()
    assert "try again in 15 minutes" in page
    assert reverse("password_reset") in page


@pytest.mark.usefixtures("second_failure_locks")
def test_other_spellings_of_the_account_count_as_one(client, user):
    """Changing the letter case of the login does not dodge the limit."""
    log_in(client, user, "wrong")
    swapped = user.get_username().swapcase()
    response = client.post(reverse("login"), {"username": swapped, "password": "V"})
    assert response.status_code == (429 if "@" in swapped else 200)


@pytest.mark.usefixtures("second_failure_locks")
def test_lockout_ends_after_the_cool_off(client, user, password):
    """Once the cool-off has passed, the right password works again."""
    lock_out(client, user)
    age_attempts(COOL_OFF + timedelta(seconds=1))
    assert log_in(client, user, password).status_code == 302


@pytest.mark.usefixtures("second_failure_locks")
def test_attempts_during_the_lockout_restart_the_cool_off(client, user, password):
    """Whoever keeps guessing stays locked out; the owner can reset the password."""
    lock_out(client, user)
    age_attempts(COOL_OFF - timedelta(minutes=1))
    assert log_in(client, user, "another guess").status_code == 429
    age_attempts(timedelta(minutes=2))
    assert log_in(client, user, password).status_code == 429


@pytest.mark.usefixtures("second_failure_locks")
def test_lockout_is_per_account_and_address(client, user, password, django_user_model):
    """Someone else at the same address, or the same account elsewhere, may log in."""
    lock_out(client, user)
    response = client.post(
        reverse("login"),
        {"username": user.get_username(), "password": password},
        REMOTE_ADDR="203.0.113.9",
    )
    assert response.status_code == 302


@pytest.mark.usefixtures("second_failure_locks")
def test_admin_login_is_throttled_too(client, user, password):
    """The admin's login page counts and refuses in the same way."""
    user.is_staff = True
    user.save()
    lock_out(client, user, url="admin:login")
    assert log_in(client, user, password, url="admin:login").status_code == 429


@pytest.mark.usefixtures("second_failure_locks")
def test_locked_out_people_can_reset_their_password_and_log_in(client, user):
    """The reset mail still comes, and a new password lifts the lockout."""
    lock_out(client, user)
    client.post(reverse("password_reset"), {"email": user.email})
    response = client.get(mailed_link(mail.outbox[0]), follow=True)
    new_password = "an entirely new passphrase"
    client.post(
        response.redirect_chain[-1][0],
        {"new_password1": new_password, "new_password2": new_password},
    )
    assert log_in(client, user, new_password).status_code == 302


def test_code_outside_a_request_can_still_check_a_password(user, password):
    """authenticate() without a request, as a shell or script calls it, works."""
    credentials = {"username": user.get_username()}
    assert authenticate(**credentials, password=password) == user
    assert authenticate(**credentials, password="wrong") is None


def test_the_log_keeps_failures_and_leaves_out_successes(
    client, user, password, caplog
):
    """At the default level a failed log-in is logged once; a successful one is not."""
    log_in(client, user, "wrong")
    log_in(client, user, password)
    throttling_records = [r for r in caplog.records if r.name.startswith("axes")]
    assert [r.levelname for r in throttling_records] == ["WARNING"]


def test_an_overlong_name_gets_the_usual_refusal(client):
    """A name longer than any account's is refused like any wrong one, and counted."""
    name = "a" * 300
    response = client.post(reverse("login"), {"username": name, "password": "wrong"})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert AccessAttempt.objects.get().username == name[:255]
