import runpy
from datetime import timedelta
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import authenticate
from django.core import mail
from django.db.models import F
from django.test import RequestFactory
from django.urls import reverse

from users.throttling import client_address, login_name

pytestmark = pytest.mark.django_db

SETTINGS_FILE = Path(__file__).resolve().parents[2] / "config" / "settings.py"
# The figures the settings promise: five failures, then fifteen minutes' pause;
# twenty failures from one address, whatever the names, pause the address.
FAILURES_ALLOWED = 5
COOL_OFF = timedelta(minutes=15)
FAILURES_ALLOWED_PER_ADDRESS = 20
# Behind the proxy, a client in a private network (an office, a carrier's NAT)
# and one with a public address. Public means routed on the internet: the
# ranges set aside for documentation count as private to some parsers.
PRIVATE_CLIENT = "10.0.0.7"
PUBLIC_CLIENT = "93.184.216.34"


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


@pytest.fixture
def behind_the_proxy(settings, monkeypatch):
    """Find the client's address as a server behind the documented proxy does."""
    monkeypatch.setenv("SECURE_PROXY_SSL_HEADER", "True")
    server = runpy.run_path(str(SETTINGS_FILE))
    for name, value in server.items():
        if name.startswith("AXES_") or name == "TRUSTED_PROXY_COUNT":
            setattr(settings, name, value)


def through_the_proxy(client, name, password, sent=None, address=PRIVATE_CLIENT):
    """
    Log in as the proxy forwards it: after any X-Forwarded-For the client sent,
    the proxy appends the address it was reached from.
    """
    forwarded = f"{sent}, {address}" if sent else address
    return client.post(
        reverse("login"),
        {"username": name, "password": password},
        HTTP_X_FORWARDED_FOR=forwarded,
    )


def other_name(user, n):
    """Return a name shaped like the user's, which no account has."""
    return f"someone{n}@example.com" if "@" in user.get_username() else f"someone{n}"


def log_in(client, user, password, url="login", **request):
    return client.post(
        reverse(url), {"username": user.get_username(), "password": password}, **request
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
    """Five failures per account, or twenty per address, bring a 15 minutes' pause."""
    assert settings.AXES_FAILURE_LIMIT == FAILURES_ALLOWED
    assert settings.AXES_COOLOFF_TIME == COOL_OFF
    assert settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS == FAILURES_ALLOWED_PER_ADDRESS


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
    response = log_in(client, user, password, REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 302


@pytest.mark.usefixtures("second_failure_locks")
def test_admin_login_checks_no_password_of_its_own(client, user, password):
    """The admin's login page hands over to the site's, which counts failures."""
    user.is_staff = True
    user.save()
    lock_out(client, user)
    response = log_in(client, user, password, url="admin:login")
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert log_in(client, user, password).status_code == 429


@pytest.mark.usefixtures("second_failure_locks")
def test_locked_out_people_can_reset_their_password_and_log_in(
    client, user, mailed_link
):
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


@pytest.mark.usefixtures("behind_the_proxy")
def test_a_forged_forwarded_for_entry_is_not_taken_as_the_client(client, user):
    """A forged X-Forwarded-For entry, new at each guess, does not dodge the limit."""
    name = user.get_username()
    statuses = [
        through_the_proxy(client, name, "wrong", sent=f"93.184.216.{n}").status_code
        for n in range(FAILURES_ALLOWED)
    ]
    assert statuses == [200] * (FAILURES_ALLOWED - 1) + [429]


@pytest.mark.usefixtures("behind_the_proxy")
def test_a_forged_address_does_not_lock_out_its_owner(client, user, password):
    """Failures sent under someone else's address count against the sender only."""
    name = user.get_username()
    for _ in range(FAILURES_ALLOWED):
        through_the_proxy(client, name, "wrong", sent=PUBLIC_CLIENT)
    response = through_the_proxy(client, name, password, address=PUBLIC_CLIENT)
    assert response.status_code == 302


def test_guessing_across_many_names_locks_the_address_out(client, user, password):
    """One address failing for many names is paused, whatever the names."""
    statuses = [
        client.post(
            reverse("login"), {"username": other_name(user, n), "password": "wrong"}
        ).status_code
        for n in range(FAILURES_ALLOWED_PER_ADDRESS)
    ]
    assert statuses == [200] * (FAILURES_ALLOWED_PER_ADDRESS - 1) + [429]
    assert log_in(client, user, password).status_code == 429


@pytest.mark.usefixtures("second_failure_locks")
@pytest.mark.parametrize("exists", [True, False], ids=["account", "no account"])
def test_spellings_count_alike_with_or_without_an_account(client, user, exists):
    """Every spelling of a login counts alike, whether its account exists or not."""
    name = user.get_username() if exists else other_name(user, 1)
    client.post(reverse("login"), {"username": name, "password": "wrong"})
    response = client.post(
        reverse("login"), {"username": name.swapcase(), "password": "wrong"}
    )
    assert response.status_code == (429 if "@" in name else 200)


def test_naming_an_attempt_folds_without_looking_the_account_up(
    user, django_assert_num_queries
):
    """Attempts are named by folding alone, the same work with or without an account."""
    request = RequestFactory().post("/")
    for name in (user.get_username(), other_name(user, 1)):
        spelled = f" {name.upper()} " if "@" in name else name
        with django_assert_num_queries(0):
            assert login_name(request, {"username": spelled}) == name


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "93.184.216.1", "127.0.0.1"),
        (1, "93.184.216.1, 10.0.0.7", "10.0.0.7"),
        (1, "10.0.0.7", "10.0.0.7"),
        (1, None, "127.0.0.1"),
        (2, "93.184.216.1, 10.0.0.7, 172.16.0.2", "10.0.0.7"),
        (2, "10.0.0.7", "10.0.0.7"),
        (1, "garbage,, 10.0.0.7:51234", "10.0.0.7"),
        (1, "[2001:DB8:0::1]:443", "2001:db8::1"),
    ],
    ids=[
        "no proxy: the socket's address",
        "one proxy: the entry it wrote, private or not",
        "one proxy, one entry",
        "one proxy, no header: the socket's address",
        "two proxies: the entry the outer one wrote",
        "fewer entries than proxies: the first",
        "a port is dropped",
        "IPv6 in one spelling",
    ],
)
def test_the_client_is_the_address_the_trusted_proxies_saw(
    settings, proxies, forwarded, expected
):
    """The client is the hop just before the trusted proxies, never one further left."""
    settings.TRUSTED_PROXY_COUNT = proxies
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    assert client_address(RequestFactory().post("/", **headers)) == expected


def spray(client, user, times, **headers):
    """Fail once for each of `times` names no account has; return the statuses."""
    return [
        client.post(
            reverse("login"),
            {"username": other_name(user, n), "password": "wrong"},
            **headers,
        ).status_code
        for n in range(times)
    ]


@pytest.fixture
def fifth_failure_pauses_the_address(settings):
    """Pause an address at its fifth failure across names rather than its twentieth."""
    settings.AXES_FAILURE_LIMIT = 2
    settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS = 5


@pytest.mark.usefixtures("fifth_failure_pauses_the_address")
def test_a_paused_address_gets_the_lockout_page_and_a_warning(client, user, caplog):
    """The address's last allowed failure is answered and logged as a lockout."""
    spray(client, user, 4)
    caplog.clear()
    response = log_in(client, user, "wrong")
    assert response.status_code == 429
    assert "Too many failed attempts" in response.content.decode()
    assert any(
        r.levelname == "WARNING" and "Locking out address 127.0.0.1" in r.getMessage()
        for r in caplog.records
    )


@pytest.mark.usefixtures("fifth_failure_pauses_the_address")
def test_a_paused_address_leaves_other_addresses_alone(client, user, password):
    """The same account may log in from elsewhere while one address is paused."""
    assert spray(client, user, 5)[-1] == 429
    response = log_in(client, user, password, REMOTE_ADDR="93.184.216.34")
    assert response.status_code == 302


@pytest.mark.usefixtures("fifth_failure_pauses_the_address")
def test_a_paused_address_may_try_again_after_the_cool_off(client, user, password):
    """Once the cool-off has passed, the address may log in again."""
    assert spray(client, user, 5)[-1] == 429
    age_attempts(COOL_OFF + timedelta(seconds=1))
    assert log_in(client, user, password).status_code == 302
