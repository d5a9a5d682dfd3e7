"""The deployed pages in a real browser: styled, usable, nothing blocked by the CSP."""

import email
import email.policy
import re
import shutil
import time

import pyotp
import pytest

from tests.conftest import unavailable
from tests.test_matrix import combination_params, combinations_in_turn
from tests.test_production import Server, deployed_copy, manage, server_environment

CHROMIUM = shutil.which("chromium")
# Chromium's own background traffic fails on a closed network; none of it is needed.
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ADMIN_EMAIL = "root@example.com"
ADMIN_PASSWORD = "a long browser passphrase"


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright; no browser is downloaded."""
    if CHROMIUM is None:
        unavailable("no chromium on PATH (Debian package chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_FLAGS
        )
        yield browser
        browser.close()


def open_page_behind_the_proxy(browser):
    """
    Open a page whose requests carry the HTTPS header a proxy adds; return its
    browser context, the page and the list it fills with the policy violations
    the browser reports.
    """
    context = browser.new_context(extra_http_headers={"X-Forwarded-Proto": "https"})
    page = context.new_page()
    violations = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text)
            if "Content Security Policy" in message.text
            else None
        ),
    )
    return context, page, violations


# Django 6's policy is the one to prove; 5.2 sends none.
@pytest.mark.parametrize(
    ("choice", "line"),
    [p for p in combination_params(with_databases=False) if p.values[1] == "6.1"],
)
def test_admin_and_site_pages_work_under_the_policy(
    generate, browser, tmp_path, choice, line
):
    """Sign in to the admin and open its pages and the site's: no CSP violation."""
    project = deployed_copy(generate, choice, line, tmp_path)
    port = server_environment()["PORT"]
    environment = server_environment(
        PORT=port,
        DATABASE_URL=f"sqlite:///{(tmp_path / 'site.sqlite3').as_posix()}",
        ALLOWED_HOSTS="localhost",
        # The browser speaks plain HTTP to gunicorn as a proxy would, and sends the
        # proxy's header itself.
        CSRF_TRUSTED_ORIGINS=f"http://localhost:{port}",
    )
    manage(line, project, environment, "migrate", "--no-input")
    manage(line, project, environment, "collectstatic", "--no-input")
    username = {"abstract_base_user": ADMIN_EMAIL}.get(choice, "root")
    manage(
        line,
        project,
        {
            **environment,
            "DJANGO_SUPERUSER_USERNAME": username,
            "DJANGO_SUPERUSER_EMAIL": ADMIN_EMAIL,
            "DJANGO_SUPERUSER_PASSWORD": ADMIN_PASSWORD,
        },
        "createsuperuser",
        "--no-input",
    )
    server = Server(project, line, environment, tmp_path)
    context, page, violations = open_page_behind_the_proxy(browser)
    base = f"http://localhost:{port}"
    try:
        server.wait_until_listening()
        # The admin's log-in is the site's; a password alone does not open the
        # admin, which asks its staff to set up a second factor first.
        page.goto(f"{base}/admin/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", ADMIN_PASSWORD)
        page.click("main button[type=submit]")
        page.wait_for_url(re.compile(r"/accounts/account/two-factor/\?next="))
        page.goto(f"{base}/admin/")
        page.wait_for_url(re.compile(r"/accounts/account/two-factor/\?next="))
        page.fill("input[name=otp_token]", app_code(page.inner_text("code.secret")))
        page.click("main button[type=submit]")
        assert page.locator("main code").count() == 10
        page.click("text=I have kept them")
        page.wait_for_url(f"{base}/admin/")
        # The admin's stylesheet applies: the header is laid out by base.css.
        assert page.eval_on_selector("#header", "e => getComputedStyle(e).display") == (
            "flex"
        )
        user_list = "/admin/auth/user/" if choice == "profile" else "/admin/users/user/"
        for path in (
            "/admin/",
            user_list,
            f"{user_list}add/",
            "/admin/auth/group/add/",
            "/",
            "/accounts/password_change/",
        ):
            response = page.goto(f"{base}{path}")
            assert response.status == 200, path
            assert response.headers["content-security-policy"]
        # The admin's scripts run: they add a calendar beside the date of birth.
        page.goto(f"{base}{user_list}")
        page.click("#result_list tbody a")
        page.wait_for_selector(".datetimeshortcuts", timeout=10_000)
    finally:
        context.close()
        server.stop()
    assert violations == []


def app_code(secret, steps_ahead=0):
    """Return the code an authenticator app set up with secret shows."""
    # Each code is accepted once: a later sign-in uses the next one, which the
    # server accepts a step early.
    return pyotp.TOTP(secret.replace(" ", "")).at(time.time() + 30 * steps_ahead)


def mailed_links(folder):
    """Every link in the mail the file backend wrote, oldest first."""
    links = []
    for path in sorted(folder.iterdir(), key=lambda path: path.stat().st_mtime_ns):
        for raw in re.split(rb"\n-{79}\n", path.read_bytes()):
            if raw.strip():
                message = email.message_from_bytes(raw, policy=email.policy.default)
                body = message.get_body(("plain",)).get_content()
                links += re.findall(r"https?://\S+", body)
    return links


class Site:
    """The served project as one person uses it in one browser tab."""

    def __init__(self, page, base, mail_dir, send_queued_mail):
        self.page, self.base, self.mail_dir = page, base, mail_dir
        self.send_queued_mail = send_queued_mail

    def open(self, path):
        response = self.page.goto(f"{self.base}{path}")
        assert response.status < 500, path
        return response

    def submit(self, path, **fields):
        """Fill the fields of the page's main form that it has, and send it."""
        self.open(path)
        self.fill_and_send(**fields)

    def fill_and_send(self, **fields):
        form = self.page.locator("main form")
        for name, value in fields.items():
            field = form.locator(f"[name={name}]")
            if field.count():
                field.fill(value)
        form.locator("button[type=submit]").click()
        self.page.wait_for_load_state()

    def text(self):
        return self.page.locator("main").inner_text()

    def last_link(self, containing):
        # The server queues mail; the worker, as the Procfile runs it, sends it.
        self.send_queued_mail()
        links = [link for link in mailed_links(self.mail_dir) if containing in link]
        assert links, f"no mailed link with {containing}"
        # The server knows itself as https://localhost; the browser speaks to it
        # directly, as the proxy would.
        return re.sub(r"^https?://[^/]+", "", links[-1])

    def log_out(self):
        self.page.locator("header form button").click()
        self.page.wait_for_load_state()


# Each a minute of work: every choice, each on one Django line a run, in turn.
@pytest.mark.parametrize(("choice", "line"), combinations_in_turn())
def test_a_person_signs_up_and_manages_their_account(
    generate, browser, tmp_path, choice, line
):
    """
    Sign up, confirm, log in, edit, change the password, get throttled, reset the
    password, delete the account.
    """
    project = deployed_copy(generate, choice, line, tmp_path)
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    port = server_environment()["PORT"]
    environment = server_environment(
        PORT=port,
        DATABASE_URL=f"sqlite:///{(tmp_path / 'site.sqlite3').as_posix()}",
        EMAIL_URL=f"filemail:///{mail_dir.as_posix()}",
        CSRF_TRUSTED_ORIGINS=f"http://localhost:{port}",
    )
    manage(line, project, environment, "migrate", "--no-input")
    manage(line, project, environment, "collectstatic", "--no-input")
    server = Server(project, line, environment, tmp_path)
    context, page, violations = open_page_behind_the_proxy(browser)
    site = Site(
        page,
        f"http://localhost:{port}",
        mail_dir,
        lambda: manage(line, project, environment, "db_worker", "--batch"),
    )
    login = "ada@example.com" if choice == "abstract_base_user" else "ada"
    password, new_password = "a first long passphrase", "a second long passphrase"
    try:
        server.wait_until_listening()
        site.open("/")
        page.click("text=Sign up")
        site.fill_and_send(
            username="ada",
            email="ada@example.com",
            password1=password,
            password2=password,
            date_of_birth="1990-04-01",
            phone_number="+44 20 7946 0000",
        )
        if choice == "abstract_base_user":
            assert "Check your inbox" in site.text()
            # The link opens a page; the password signed up with opens the account.
            site.open(site.last_link("/activate/"))
            assert "enter the password it was signed up with" in site.text()
            site.fill_and_send(password=password)
        assert f"You are logged in as {login}" in site.text()

        site.log_out()
        site.submit("/accounts/login/", username=login, password=password)
        assert f"You are logged in as {login}" in site.text()

        page.click("text=Your account")
        assert page.locator("input[name=phone_number]").input_value() == (
            "+44 20 7946 0000"
        )
        site.fill_and_send(phone_number="+33 1 23 45 67 89")
        assert "Your details were saved." in site.text()
        assert page.locator("input[name=phone_number]").input_value() == (
            "+33 1 23 45 67 89"
        )

        page.click("main >> text=Change password")
        site.fill_and_send(
            old_password=password,
            new_password1=new_password,
            new_password2=new_password,
        )
        assert "Your password was changed." in site.text()

        site.log_out()
        # Five wrong guesses lock the account out; then even the right one fails.
        for attempt in range(5):
            site.submit("/accounts/login/", username=login, password=f"guess {attempt}")
        assert "Too many failed attempts" in site.text()
        site.submit("/accounts/login/", username=login, password=new_password)
        assert "Too many failed attempts" in site.text()
        assert "You are logged in" not in site.text()

        # A password reset still works, and lifts the lockout.
        site.submit("/accounts/password_reset/", email="ada@example.com")
        assert page.title().startswith("Password reset sent")
        site.open(site.last_link("/accounts/reset/"))
        site.fill_and_send(new_password1=password, new_password2=password)
        assert "Your password has been set." in site.text()
        site.submit("/accounts/login/", username=login, password=password)
        assert f"You are logged in as {login}" in site.text()

        # Two-factor sign-in: set up with the key typed in, as without a camera.
        page.click("text=Your account")
        page.click("text=Two-factor sign-in")
        secret = page.inner_text("code.secret")
        site.fill_and_send(otp_token=app_code(secret))
        assert "shown only this time" in site.text()
        recovery_codes = page.locator("main code").all_inner_texts()
        assert len(recovery_codes) == 10
        site.log_out()
        # Then the password leads to the code, and the code signs in.
        site.submit("/accounts/login/", username=login, password=password)
        assert "You are logged in" not in site.text()
        site.fill_and_send(otp_token=app_code(secret, steps_ahead=1))
        assert f"You are logged in as {login}" in site.text()
        # A recovery code stands in for the app, once.
        site.log_out()
        site.submit("/accounts/login/", username=login, password=password)
        site.fill_and_send(otp_token=recovery_codes[0])
        assert f"You are logged in as {login}" in site.text()
        site.log_out()
        site.submit("/accounts/login/", username=login, password=password)
        site.fill_and_send(otp_token=recovery_codes[0])
        assert "That code is not right." in site.text()
        assert "You are logged in" not in site.text()
        # After a wrong code, django-otp refuses every code for a second.
        page.wait_for_timeout(2000)
        site.fill_and_send(otp_token=recovery_codes[1])
        assert f"You are logged in as {login}" in site.text()

        # Deleting the account asks for the password; then it logs in no more.
        page.click("text=Your account")
        page.click("text=Delete your account")
        site.fill_and_send(password=password)
        assert "Your account has been deleted." in site.text()
        site.submit("/accounts/login/", username=login, password=password)
        assert page.title().startswith("Log in")
        assert "You are logged in" not in site.text()
    finally:
        context.close()
        server.stop()
    assert violations == []
