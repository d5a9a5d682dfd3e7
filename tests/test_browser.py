"""The deployed pages in a real browser: styled, and nothing blocked by the CSP."""

import shutil

import pytest

from tests.conftest import unavailable
from tests.test_matrix import combination_params
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
    base = f"http://localhost:{port}"
    try:
        server.wait_until_listening()
        page.goto(f"{base}/admin/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", ADMIN_PASSWORD)
        page.click("input[type=submit]")
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
