import re
import time
from base64 import b32decode
from html import unescape

import pytest
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from users.second_factor import CODE_WAIT_SECONDS, new_recovery_codes
from website.checks import check_admin_second_factor

pytestmark = pytest.mark.django_db


def code(key, steps_ahead=0):
    """Return the code an authenticator app shows for key, now or steps_ahead later."""
    # A code is accepted once: the one after the last used is still in the
    # tolerated window.
    return f"{TOTP(key, drift=steps_ahead).token():06d}"


def shown_secret(response):
    """Return the key the set-up page shows as text, as someone would type it in."""
    secret = re.search(r'<code class="secret">([A-Z2-7 ]+)</code>', response.text)[1]
    return b32decode(secret.replace(" ", ""))


def shown_codes(response):
    return re.findall(r"<code>([a-z2-7]+)</code>", response.text)


@pytest.fixture
def app_key(client, member):
    """Set up an authenticator app for the member, through the pages; return its key."""
    key = shown_secret(client.get(reverse("second_factor")))
    response = client.post(reverse("second_factor"), {"otp_token": code(key)})
    assert response.status_code == 200
    return key


@pytest.fixture
def signed_out(client, app_key):
    """Return the set-up app's key, with the client logged out."""
    client.post(reverse("logout"))
    return app_key


def log_in(client, user, password, **data):
    return client.post(
        reverse("login"),
        {"username": user.get_username(), "password": password, **data},
    )


def is_verified(client, user):
    return client.session.get(SESSION_KEY) == str(user.pk) and bool(
        client.session.get(DEVICE_ID_SESSION_KEY)
    )


def test_set_up_page_shows_a_qr_code_and_the_secret_as_text(client, member):
    """Both a scan and typing the key in give the app the same secret."""
    response = client.get(reverse("second_factor"))
    assert "<svg" in response.text
    assert 'name="otp_token"' in response.text
    device = TOTPDevice.objects.get(user=member, confirmed=False)
    assert shown_secret(response) == device.bin_key
    # A reload shows the same secret, so that a scan made before it holds.
    assert shown_secret(client.get(reverse("second_factor"))) == device.bin_key


def test_a_confirmed_code_turns_it_on_and_shows_ten_recovery_codes_once(client, member):
    """Once the app's code is accepted, the recovery codes are shown, that once."""
    key = shown_secret(client.get(reverse("second_factor")))
    response = client.post(reverse("second_factor"), {"otp_token": code(key)})
    codes = shown_codes(response)
    assert len(set(codes)) == 10
    assert "shown only this time" in unescape(response.text)
    assert TOTPDevice.objects.get(user=member).confirmed
    assert is_verified(client, member)
    page = client.get(reverse("second_factor")).text
    assert "is on" in page
    assert not any(recovery_code in page for recovery_code in codes)


def test_a_wrong_code_does_not_turn_it_on(client, member):
    """A mistyped code leaves the account as it was, and says why."""
    key = shown_secret(client.get(reverse("second_factor")))
    wrong = f"{(int(code(key)) + 1) % 1_000_000:06d}"
    response = client.post(reverse("second_factor"), {"otp_token": wrong})
    assert response.context["form"].errors["otp_token"]
    assert not TOTPDevice.objects.filter(user=member, confirmed=True).exists()


def test_members_without_a_factor_log_in_with_their_password(client, user, password):
    """Members choose: without a factor, the password is enough."""
    assert log_in(client, user, password).url == reverse("home")
    assert client.session[SESSION_KEY] == str(user.pk)


def test_a_password_alone_does_not_sign_in_an_account_with_a_factor(
    client, user, password, signed_out
):
    """The right password leads to the code page, still signed out."""
    response = log_in(client, user, password)
    assert response.url == reverse("login_code")
    assert SESSION_KEY not in client.session
    assert client.get(reverse("account")).status_code == 302


def test_the_apps_code_signs_in_and_verifies_the_session(
    client, user, password, signed_out
):
    """After the code, the session is signed in and verified, and goes on as asked."""
    log_in(client, user, password, next=reverse("account"))
    response = client.post(
        reverse("login_code"), {"otp_token": code(signed_out, steps_ahead=1)}
    )
    assert response.url == reverse("account")
    assert is_verified(client, user)


def test_a_recovery_code_works_once(client, member, password):
    """A recovery code stands in for the app's code, one time."""
    key = shown_secret(client.get(reverse("second_factor")))
    codes = shown_codes(client.post(reverse("second_factor"), {"otp_token": code(key)}))
    for attempt in ("first", "second"):
        client.post(reverse("logout"))
        log_in(client, member, password)
        response = client.post(reverse("login_code"), {"otp_token": codes[0]})
        if attempt == "first":
            assert response.status_code == 302
            assert is_verified(client, member)
        else:
            assert response.status_code == 200
            assert SESSION_KEY not in client.session


def test_a_wrong_code_is_refused_and_then_even_the_right_one_must_wait(
    client, user, password, signed_out, settings
):
    """django-otp's throttling refuses codes for a while after a wrong one."""
    # A minute's wait after the first wrong code, rather than a second's.
    settings.OTP_TOTP_THROTTLE_FACTOR = settings.OTP_STATIC_THROTTLE_FACTOR = 60
    log_in(client, user, password)
    response = client.post(reverse("login_code"), {"otp_token": "000000"})
    assert response.context["form"].errors["otp_token"] == ["That code is not right."]
    assert SESSION_KEY not in client.session
    response = client.post(
        reverse("login_code"), {"otp_token": code(signed_out, steps_ahead=1)}
    )
    assert response.context["form"].errors["otp_token"][0].startswith("Too many")
    assert SESSION_KEY not in client.session


def test_wrong_codes_count_towards_the_log_in_lockout(
    client, user, password, signed_out, settings, caplog
):
    """Guessing codes locks out like guessing passwords, and is logged."""
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 2
    settings.OTP_TOTP_THROTTLE_FACTOR = settings.OTP_STATIC_THROTTLE_FACTOR = 0
    log_in(client, user, password)
    client.post(reverse("login_code"), {"otp_token": "000000"})
    assert "wrong sign-in code" in caplog.text
    response = client.post(reverse("login_code"), {"otp_token": "000001"})
    assert response.status_code == 429
    response = client.post(
        reverse("login_code"), {"otp_token": code(signed_out, steps_ahead=1)}
    )
    assert response.status_code == 429
    assert SESSION_KEY not in client.session


def test_the_code_page_needs_the_password_first(client, signed_out):
    """Without a right password just before, the code page sends to log in."""
    response = client.post(reverse("login_code"), {"otp_token": code(signed_out)})
    assert response.url == reverse("login")
    assert SESSION_KEY not in client.session


def test_a_slow_code_or_a_changed_password_means_logging_in_again(
    client, user, password, signed_out, monkeypatch
):
    """A pending sign-in ends after its time, and when the password changes."""
    log_in(client, user, password)
    now = time.time()
    monkeypatch.setattr("time.time", lambda: now + CODE_WAIT_SECONDS + 1)
    response = client.post(reverse("login_code"), {"otp_token": code(signed_out)})
    assert response.url == reverse("login")
    monkeypatch.undo()
    log_in(client, user, password)
    user.set_password("a wholly different passphrase")
    user.save()
    response = client.post(reverse("login_code"), {"otp_token": code(signed_out)})
    assert response.url == reverse("login")
    assert SESSION_KEY not in client.session


def test_turning_it_off_needs_the_password(client, member, password, app_key):
    """A wrong password keeps the factor; the right one removes every device."""
    url = reverse("turn_off_second_factor")
    response = client.post(url, {"password": "not the password"})
    assert response.status_code == 200
    assert TOTPDevice.objects.filter(user=member).exists()
    assert client.post(url, {"password": password}).url == reverse("account")
    assert not TOTPDevice.objects.filter(user=member).exists()
    assert not StaticToken.objects.filter(device__user=member).exists()


def test_new_recovery_codes_replace_the_old_ones(client, member, password, app_key):
    """New codes need the password, and the old ones stop working."""
    old = set(StaticToken.objects.values_list("token", flat=True))
    url = reverse("new_recovery_codes")
    assert client.post(url, {"password": "not the password"}).status_code == 200
    assert set(StaticToken.objects.values_list("token", flat=True)) == old
    new = shown_codes(client.post(url, {"password": password}))
    assert len(new) == 10
    assert set(StaticToken.objects.values_list("token", flat=True)) == set(new)
    assert not old & set(new)


@pytest.fixture
def staff(user):
    user.is_staff = user.is_superuser = True
    user.save()
    return user


def test_the_admin_sends_strangers_to_the_sites_log_in(client):
    """Anyone signed out is sent to the one log-in page, coming back after."""
    response = client.get(reverse("admin:index"), follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("login"))
    assert "next=/admin/" in response.redirect_chain[-1][0]


def test_staff_signed_in_with_a_password_alone_set_up_a_factor_first(
    client, staff, password
):
    """Without a factor, staff reach the set-up page, then the admin."""
    log_in(client, staff, password)
    response = client.get(reverse("admin:index"), follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("second_factor"))
    key = shown_secret(response)
    response = client.post(
        response.redirect_chain[-1][0], {"otp_token": code(key), "next": "/admin/"}
    )
    assert 'href="/admin/"' in response.text
    assert client.get(reverse("admin:index")).status_code == 200


def test_staff_with_an_unverified_session_are_asked_for_the_code(
    client, staff, password
):
    """A session signed in some other way must give the code for the admin."""
    device = TOTPDevice.objects.create(user=staff, name="Authenticator app")
    client.force_login(staff)
    response = client.get(reverse("admin:index"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("login_code")
    response = client.post(reverse("login_code"), {"otp_token": code(device.bin_key)})
    assert response.url == reverse("admin:index")
    assert client.get(reverse("admin:index")).status_code == 200


def test_a_setting_lets_staff_in_with_a_password_alone(client, staff, settings):
    """ADMIN_REQUIRES_SECOND_FACTOR = False opens the admin to a password session."""
    settings.ADMIN_REQUIRES_SECOND_FACTOR = False
    client.force_login(staff)
    assert client.get(reverse("admin:index")).status_code == 200


@pytest.mark.parametrize("required", [True, False])
def test_turning_the_requirement_off_makes_the_deploy_check_warn(settings, required):
    """check --deploy warns while staff can reach the admin without a factor."""
    settings.ADMIN_REQUIRES_SECOND_FACTOR = required
    warnings = [problem.id for problem in check_admin_second_factor(None)]
    assert warnings == ([] if required else ["website.W002"])


def test_an_operator_can_give_a_one_time_code_to_someone_who_lost_the_app(
    client, user, password, signed_out, capsys
):
    """manage.py addstatictoken prints a code that signs its owner in once."""
    new_recovery_codes(user)
    call_command("addstatictoken", user.get_username())
    one_time = capsys.readouterr().out.strip()
    log_in(client, user, password)
    assert client.post(reverse("login_code"), {"otp_token": one_time}).url == (
        reverse("home")
    )


def test_the_owner_is_told_of_every_change_by_mail(client, member, password):
    """Turning it on, making codes, turning it off: each mails a notice, no link."""
    key = shown_secret(client.get(reverse("second_factor")))
    client.post(reverse("second_factor"), {"otp_token": code(key)})
    client.post(reverse("new_recovery_codes"), {"password": password})
    client.post(reverse("turn_off_second_factor"), {"password": password})
    assert [message.to for message in mail.outbox] == [[member.email]] * 3
    bodies = [message.body for message in mail.outbox]
    assert "is now on" in bodies[0]
    assert "New recovery codes" in bodies[1]
    assert "is now off" in bodies[2]
    assert not any("http" in body for body in bodies)


def test_a_log_in_made_by_another_view_still_owes_the_code(client, user, signed_out):
    """An app's own log-in page (django-allauth's) cannot skip the code."""
    client.force_login(user)
    assert client.get(reverse("account")).url == reverse("login_code")
    assert client.get(reverse("home")).url == reverse("login_code")
    response = client.post(
        reverse("login_code"), {"otp_token": code(signed_out, steps_ahead=1)}
    )
    assert response.url == reverse("home")
    assert client.get(reverse("account")).status_code == 200
    assert is_verified(client, user)


def test_a_session_that_owed_a_code_too_long_is_logged_out(
    client, user, signed_out, monkeypatch
):
    """Past its time, a session signed in by another view ends at the code page."""
    client.force_login(user)
    later = time.time() + CODE_WAIT_SECONDS + 1
    monkeypatch.setattr("time.time", lambda: later)
    assert client.get(reverse("login_code")).url == reverse("login")
    assert SESSION_KEY not in client.session


def test_sending_the_set_up_form_again_sets_up_nothing_more(client, member, app_key):
    """A reload of the recovery codes' page adds no second app, nor new codes."""
    codes = set(StaticToken.objects.values_list("token", flat=True))
    response = client.post(
        reverse("second_factor"), {"otp_token": code(app_key, steps_ahead=1)}
    )
    assert response.url == reverse("second_factor")
    assert TOTPDevice.objects.filter(user=member).count() == 1
    assert set(StaticToken.objects.values_list("token", flat=True)) == codes
