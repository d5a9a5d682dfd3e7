import re

import django
import pytest
from django.conf import settings
from django.contrib.auth.hashers import get_hasher
from django.core import mail
from django.core.handlers.wsgi import WSGIHandler
from django.test import Client
from django.urls import reverse
from django.utils.html import escape
from django.views.generic import TemplateView

pytestmark = pytest.mark.django_db

# Pages anyone may open, and pages for signed-in people only.
PUBLIC_PAGES = ["home", "login", "signup", "password_reset", "password_reset_done"]
PRIVATE_PAGES = ["account", "password_change", "password_change_done"]


@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_public_pages_carry_the_sites_name_and_look(
    client, name, assert_in_the_sites_layout
):
    """Every page uses the project's own layout, titled with its name."""
    response = client.get(reverse(name))
    assert response.status_code == 200
    page = response.content.decode()
    assert_in_the_sites_layout(page)
    assert "Django administration" not in page


def test_a_head_request_gets_the_headers_of_a_get_and_no_body(client, rf):
    """No body goes to the server, which would drop it and log a warning."""
    answered = {}

    def start_response(status, headers):
        answered.update(status=status, headers=dict(headers))

    body = b"".join(WSGIHandler()(rf.head(reverse("home")).environ, start_response))
    assert answered["status"] == "200 OK"
    assert body == b""
    length = len(client.get(reverse("home")).content)
    assert answered["headers"]["Content-Length"] == str(length)


def test_the_icon_is_found_where_browsers_look_for_it(client):
    """/favicon.ico leads to the site's icon, which every page also names."""
    response = client.get("/favicon.ico", follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0].endswith("favicon.svg")
    assert b"<svg" in b"".join(response.streaming_content)
    assert 'rel="icon"' in client.get(reverse("home")).content.decode()


def test_an_unknown_address_gets_the_sites_not_found_page(
    client, assert_in_the_sites_layout
):
    """A 404 is a page of the site, with its navigation."""
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert_in_the_sites_layout(response.content.decode())


def test_form_data_that_cannot_be_read_is_a_bad_request(
    caplog, assert_in_the_sites_layout
):
    """Form data in a charset other than UTF-8 gets the 400 page, not a crash."""
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    client.cookies[settings.CSRF_COOKIE_NAME] = "a" * 32
    response = client.post(
        reverse("password_reset"),
        "email=a",
        content_type="application/x-www-form-urlencoded; charset=utf-16",
    )
    assert response.status_code == 400
    assert_in_the_sites_layout(response.content.decode())
    assert [record.levelname for record in caplog.records] == ["WARNING"]


def test_a_request_for_another_host_is_refused_without_mailing_the_admins(
    client, settings, mailoutbox, caplog, assert_in_the_sites_layout
):
    """Scanners' requests for other host names are logged, not mailed."""
    # In each Django line's form, as settings.py writes it.
    settings.ADMINS = (
        ["ops@example.com"] if django.VERSION >= (6, 0) else [("", "ops@example.com")]
    )
    response = client.get(reverse("home"), HTTP_HOST="scanner.example")
    assert response.status_code == 400
    assert_in_the_sites_layout(response.content.decode())
    assert [record.name for record in caplog.records] == [
        "django.security.DisallowedHost"
    ]
    assert mailoutbox == []


def test_a_server_error_gets_a_page_that_needs_nothing_that_failed(client, monkeypatch):
    """The 500 page is drawn without the request, in the site's look."""

    def fail(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(TemplateView, "get", fail)
    client.raise_request_exception = False
    response = client.get(reverse("home"))
    assert response.status_code == 500
    page = response.content.decode()
    assert "Server error" in page
    assert "/static/css/site.css" in page


@pytest.mark.parametrize("name", PRIVATE_PAGES)
def test_private_pages_ask_anonymous_visitors_to_log_in(client, user, name):
    """Anonymous visitors go to the login page first, then back."""
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={reverse(name)}"
    client.force_login(user)
    assert client.get(reverse(name)).status_code == 200


def test_home_page_links_to_each_page_that_applies(client, user):
    """Visitors are offered to log in or sign up; members their account."""
    page = client.get(reverse("home")).content.decode()
    for name in ("login", "signup", "password_reset"):
        assert f'href="{reverse(name)}"' in page
    assert reverse("account") not in page
    client.force_login(user)
    page = client.get(reverse("home")).content.decode()
    for name in ("account", "password_change", "logout"):
        assert reverse(name) in page
    assert f'href="{reverse("login")}"' not in page


def test_home_page_hides_sign_up_while_it_is_closed(client, settings):
    """With SIGNUP_OPEN off there is no link, and the page says it is closed."""
    settings.SIGNUP_OPEN = False
    assert reverse("signup") not in client.get(reverse("home")).content.decode()
    response = client.get(reverse("signup"))
    assert response.status_code == 403
    assert "Sign-up is closed" in response.content.decode()
    response = client.post(reverse("signup"), {"email": "new@example.com"})
    assert response.status_code == 403


def test_login_page_logs_in_and_returns_home(client, user, password):
    """The site's login page accepts the right password and goes home."""
    response = client.post(
        reverse("login"), {"username": user.get_username(), "password": password}
    )
    assert response.status_code == 302
    assert response.url == reverse("home")
    response = client.get(reverse("home"))
    assert user.get_username() in response.content.decode()


def test_wrong_password_is_refused_on_the_login_page(client, user):
    """A wrong password shows the form's error and signs nobody in."""
    response = client.post(
        reverse("login"), {"username": user.get_username(), "password": "wrong"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert "_auth_user_id" not in client.session


def test_logout_is_a_post_that_returns_home(client, user):
    """Logging out takes a POST (a link could log people out) and goes home."""
    client.force_login(user)
    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert "_auth_user_id" not in client.session


def test_password_change_sets_the_new_password(client, user, password):
    """The old password, the new one twice, and the new one works."""
    client.force_login(user)
    new_password = "an entirely new passphrase"
    response = client.post(
        reverse("password_change"),
        {
            "old_password": password,
            "new_password1": new_password,
            "new_password2": new_password,
        },
    )
    assert response.status_code == 302
    assert response.url == reverse("password_change_done")
    user.refresh_from_db()
    assert user.check_password(new_password)


def test_password_change_refuses_a_wrong_old_password(client, user):
    """Without the current password, the password stays as it was."""
    client.force_login(user)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "not it",
            "new_password1": "an entirely new passphrase",
            "new_password2": "an entirely new passphrase",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].has_error("old_password")


def test_password_reset_mails_a_link_that_sets_a_new_password(
    client, user, mailed_link
):
    """The mail names the site; its link leads to a form that sets the password."""
    response = client.post(reverse("password_reset"), {"email": user.email})
    assert response.status_code == 302
    (message,) = mail.outbox
    assert settings.SITE_NAME in message.subject
    assert settings.SITE_NAME in message.body
    response = client.get(mailed_link(message), follow=True)
    assert response.context["validlink"]
    new_password = "an entirely new passphrase"
    response = client.post(
        response.redirect_chain[-1][0],
        {"new_password1": new_password, "new_password2": new_password},
    )
    assert response.status_code == 302
    assert response.url == reverse("password_reset_complete")
    user.refresh_from_db()
    assert user.check_password(new_password)


def test_mailed_links_start_with_the_site_url_whatever_the_host(client, user):
    """A reset asked with a forged Host header still links to SITE_URL."""
    client.post(
        reverse("password_reset"), {"email": user.email}, HTTP_HOST="127.0.0.1:6666"
    )
    (message,) = mail.outbox
    assert f"{settings.SITE_URL}/accounts/reset/" in message.body
    # The whole host and port: a token's digits may hold "6666" by chance.
    assert "127.0.0.1:6666" not in message.body


def test_a_password_reset_and_an_address_change_at_once_lose_neither(
    client, user, password, monkeypatch, mailed_link
):
    """An address changed while the new password is hashed is not written back."""
    client.post(reverse("password_reset"), {"email": user.email})
    form_page = client.get(mailed_link(mail.outbox[0]), follow=True)
    hasher = get_hasher()
    encode = hasher.encode

    def encode_while_the_address_changes(self, raw_password, salt):
        type(user).objects.filter(pk=user.pk).update(email="moved@example.com")
        return encode(raw_password, salt)

    monkeypatch.setattr(type(hasher), "encode", encode_while_the_address_changes)
    new_password = "a brand new passphrase"
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": new_password, "new_password2": new_password},
    )
    user.refresh_from_db()
    assert user.email == "moved@example.com"
    # The link was mailed to the old address, which no longer reaches the account.
    assert response.status_code == 200
    assert not response.context["validlink"]
    assert user.check_password(password)


def test_password_reset_link_works_once(client, user, mailed_link):
    """A used link is refused with a page that says so."""
    client.post(reverse("password_reset"), {"email": user.email})
    link = mailed_link(mail.outbox[0])
    response = client.get(link, follow=True)
    new_password = "an entirely new passphrase"
    client.post(
        response.redirect_chain[-1][0],
        {"new_password1": new_password, "new_password2": new_password},
    )
    response = client.get(link, follow=True)
    assert response.status_code == 200
    assert not response.context["validlink"]
    assert "Password reset unsuccessful" in response.content.decode()


def test_password_reset_with_a_tampered_token_is_refused(client, user, mailed_link):
    """A link whose token was altered shows the invalid-link page."""
    client.post(reverse("password_reset"), {"email": user.email})
    link = mailed_link(mail.outbox[0])
    response = client.get(link[:-3] + "zzz/", follow=True)
    assert response.status_code == 200
    assert not response.context["validlink"]


def test_password_reset_for_an_unknown_address_says_the_same(client):
    """The next page does not tell whether the address has an account."""
    response = client.post(reverse("password_reset"), {"email": "nobody@example.com"})
    assert response.status_code == 302
    assert response.url == reverse("password_reset_done")
    assert mail.outbox == []


def test_the_admin_is_titled_with_the_sites_name(admin_client):
    """The admin's header and page titles name the project, not Django."""
    page = admin_client.get(reverse("admin:index")).content.decode()
    name = escape(settings.SITE_NAME)
    assert re.search(rf"<title>[^<]*\| {re.escape(name)}</title>", page)
    assert re.search(rf'<a href="{reverse("admin:index")}">{re.escape(name)}</a>', page)
    assert "Django" not in re.search(r"<title>.*?</title>", page, re.DOTALL)[0]
