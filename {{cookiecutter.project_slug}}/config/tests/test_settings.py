import importlib.util
import runpy
import sys
from io import StringIO
from pathlib import Path
from types import SimpleNamespace

import django
import pytest
from django.core import checks
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMessage
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.utils.module_loading import import_string

from config import environment as environment_module
from config.environment import Env, import_settings_or_exit

PROJECT_DIR = Path(__file__).resolve().parents[2]
SETTINGS_FILE = PROJECT_DIR / "config" / "settings.py"
STRONG_KEY = "kq3-5nVx0yq8rZ_t1Wm9cLp2Hf7sJd4Ge6Bu0Ao5Ni8Rk2Ty7Xv1Qz3Lw9Pm4Hs"
# What a server sets at the least; the tests add or override single values.
SERVER = {
    "SECRET_KEY": STRONG_KEY,
    "ALLOWED_HOSTS": "www.example.com",
    "SITE_URL": "https://www.example.com",
}
# A mail service, which a server names in EMAIL_URL.
SMTP_URL = "smtp+tls://mailer:s%40cret@smtp.example.com:587"
# Settings that shape the app registry or open connections; they are the same in
# development and production, so the checks run against the test run's own.
STRUCTURAL = {"INSTALLED_APPS", "DATABASES", "LOGGING", "TEMPLATES", "STORAGES"}


@pytest.fixture
def environment(monkeypatch):
    """Return a function that makes the given variables the whole environment."""
    # A server has no .env: only the given variables exist.
    monkeypatch.setattr(Env, "read_env", lambda *args, **kwargs: None)

    def set_environment(**variables):
        monkeypatch.setattr(Env, "ENVIRON", variables)

    return set_environment


@pytest.fixture
def load_settings(environment):
    """Return a function that evaluates settings.py in a given environment alone."""

    def load(**variables):
        environment(**variables)
        # A module of its own, run from the bytecode Python cached for settings.py.
        spec = importlib.util.spec_from_file_location("config.settings", SETTINGS_FILE)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return SimpleNamespace(
            **{name: value for name, value in vars(module).items() if name.isupper()}
        )

    return load


def test_secret_starting_with_dollar_is_read_verbatim(load_settings):
    """A key that starts with "$" is kept, not taken for another variable's name."""
    key = "$" + STRONG_KEY
    assert key == load_settings(**{**SERVER, "SECRET_KEY": key}).SECRET_KEY


def test_missing_secret_says_where_to_set_it(load_settings):
    """A missing SECRET_KEY names the variable and where to set it."""
    with pytest.raises(ImproperlyConfigured, match=r"SECRET_KEY is not set\. .*\.env"):
        load_settings(ALLOWED_HOSTS="www.example.com")


@pytest.mark.parametrize(
    ("value", "expected"),
    [("True", True), (" yes ", True), ("1", True), ("False", False), ("off", False)],
)
def test_booleans_accept_the_usual_words(load_settings, value, expected):
    """True/false variables take the usual words in any case."""
    assert load_settings(
        **SERVER, SESSION_COOKIE_SECURE=value
    ).SESSION_COOKIE_SECURE is (expected)


# Each value that would only fail later stops startup with a message that names
# the variable and says what to write instead.
BAD_VALUES = [
    ({"SECRET_KEY": ""}, r"SECRET_KEY is empty or too short\..*token_urlsafe"),
    ({"SECRET_KEY": "short"}, r"SECRET_KEY is empty or too short"),
    ({"SECRET_KEY": "a" * 60}, r"SECRET_KEY is empty or too short"),
    ({"ALLOWED_HOSTS": ""}, r"ALLOWED_HOSTS is empty.*www\.example\.com"),
    ({"ALLOWED_HOSTS": " , "}, r"ALLOWED_HOSTS is empty"),
    ({"ALLOWED_HOSTS": "https://example.com/"}, r"holds 'https://example.com/', wh"),
    ({"ALLOWED_HOSTS": "example.com:8000"}, r"holds 'example.com:8000', which is not"),
    (
        {"ALLOWED_HOSTS": "example.com www.example.com"},
        r"holds 'example.com www.example.com', which is not one host name\. Write",
    ),
    ({"CSRF_TRUSTED_ORIGINS": "example.com"}, r"holds 'example.com', which lacks its"),
    ({"SITE_URL": "www.example.com"}, r"SITE_URL='www.example.com' is not a site's"),
    ({"SITE_URL": "https://example.com/shop"}, r"SITE_URL='https://example.com/shop'"),
    ({"SITE_URL": "ftp://example.com"}, r"SITE_URL='ftp://example.com' is not a site"),
    ({"SITE_URL": "https://example.com:port"}, r"SITE_URL cannot be read"),
    ({"DEBUG": "True  # local"}, r"DEBUG='True  # local' is neither true nor false"),
    ({"DATABASE_URL": "garbage"}, r"DATABASE_URL does not start with a known"),
    ({"DATABASE_URL": "mongodb://h/db"}, r"DATABASE_URL does not start with a known"),
    ({"DATABASE_URL": "sqlite://relative.db"}, r"DATABASE_URL names a relative SQLite"),
    ({"DATABASE_URL": "sqlite:///db.sqlite3"}, r"DATABASE_URL names a relative SQLite"),
    ({"DATABASE_URL": "postgres://u:p@db:5432/"}, r"DATABASE_URL names no database"),
    ({"DATABASE_URL": "sqlite:////"}, r"DATABASE_URL names /, whose folder does not"),
    ({"DATABASE_URL": "sqlite:////no/such/dir/db.sqlite3"}, r"whose folder does not"),
    ({"DATABASE_URL": "postgres://u:p@db:port/app"}, r"DATABASE_URL cannot be read"),
    ({"DATABASE_URL": "postgres://u:p@db:99999/app"}, r"DATABASE_URL cannot be read"),
    ({"DATABASE_URL": "postgres://u:p@[::1/app"}, r"DATABASE_URL cannot be read"),
    (
        {"DATABASE_URL": "mysql://u:p@db:3306/app"},
        r"DATABASE_URL names a mysql database, but its driver \(MySQLdb\)",
    ),
    ({"CONN_MAX_AGE": "forever"}, r"CONN_MAX_AGE='forever' is not a whole number"),
    ({"SECURE_HSTS_SECONDS": "abc"}, r"SECURE_HSTS_SECONDS='abc' is not a whole"),
    ({"SECURE_HSTS_SECONDS": "-1"}, r"SECURE_HSTS_SECONDS='-1' is not a whole"),
    (
        {"SECURE_HSTS_PRELOAD": "True", "SECURE_HSTS_SECONDS": "3600"},
        r"SECURE_HSTS_PRELOAD is on while SECURE_HSTS_SECONDS is 3600",
    ),
    ({"EMAIL_URL": "garbage"}, r"EMAIL_URL is not a mail URL"),
    ({"EMAIL_URL": "smtp://"}, r"EMAIL_URL is not a mail URL"),
    ({"EMAIL_URL": "smtp://mail:port/"}, r"EMAIL_URL cannot be read"),
    ({"EMAIL_URL": "smtp://u:p@[::1:25"}, r"EMAIL_URL cannot be read"),
    ({"EMAIL_URL": "filemail:///tmp/mail"}, r"EMAIL_URL names a relative folder"),
    ({"ADMINS": "ops@example.com,ops"}, r"ADMINS holds 'ops', which is not an email"),
    ({"DEFAULT_FROM_EMAIL": "x"}, r"DEFAULT_FROM_EMAIL='x' is not an email address"),
    ({"LOG_LEVEL": "loud"}, r"LOG_LEVEL='LOUD' is not one of DEBUG, INFO"),
    ({"TRUSTED_PROXY_COUNT": "one"}, r"TRUSTED_PROXY_COUNT='one' is not a whole"),
    ({"TRUSTED_PROXY_COUNT": "-1"}, r"TRUSTED_PROXY_COUNT='-1' is not a whole"),
    (
        {"LOGIN_FAILURE_LIMIT_PER_ADDRESS": "0"},
        r"LOGIN_FAILURE_LIMIT_PER_ADDRESS='0' is not a whole number of 1 or more",
    ),
    ({"CACHE_URL": "garbage"}, r"CACHE_URL does not start with a known cache"),
    ({"CACHE_URL": "memcache://m:11211"}, r"CACHE_URL does not start with a known"),
    ({"CACHE_URL": "redis://cache:port/0"}, r"CACHE_URL cannot be read"),
    ({"CACHE_URL": "redis://cache:99999/0"}, r"CACHE_URL cannot be read"),
    ({"CACHE_URL": "redis://"}, r"CACHE_URL names no Redis server"),
    ({"CACHE_URL": "redis://cache:6379/main"}, r"CACHE_URL names Redis database 'm"),
    ({"CACHE_URL": "dbcache://"}, r"CACHE_URL names no table"),
]


@pytest.mark.parametrize(
    ("values", "message"), BAD_VALUES, ids=[str(v) for v, _ in BAD_VALUES]
)
def test_bad_values_stop_startup_with_a_message(load_settings, values, message):
    """A bad value stops the settings with a message naming the variable."""
    with pytest.raises(ImproperlyConfigured, match=message):
        load_settings(**{**SERVER, **values})


def test_hosts_and_origins_are_taken_in_every_form_django_reads(load_settings):
    """Subdomain patterns, IPv6 addresses and the wildcard pass the host check."""
    hosts = ["www.example.com", ".example.org", "[::1]", "127.0.0.1", "*"]
    origins = ["https://www.example.com", "http://localhost:8000"]
    settings = load_settings(
        **{**SERVER, "ALLOWED_HOSTS": " , ".join(hosts)},
        CSRF_TRUSTED_ORIGINS=",".join(origins),
    )
    assert hosts == settings.ALLOWED_HOSTS
    assert origins == settings.CSRF_TRUSTED_ORIGINS


def test_a_dot_env_that_is_not_utf8_is_refused_in_one_line(tmp_path):
    """A .env saved in another encoding names the file, not a decoding traceback."""
    dot_env = tmp_path / ".env"
    dot_env.write_bytes(b"SITE_NOTE=caf\xe9\n")
    with pytest.raises(ImproperlyConfigured, match=r"\.env is not UTF-8 text"):
        Env.read_env(dot_env)


def test_development_allows_what_a_server_may_not(load_settings):
    """With DEBUG on, an empty host list and a short key are fine on a laptop."""
    settings = load_settings(DEBUG="True", SECRET_KEY="dev", ALLOWED_HOSTS="")
    assert settings.ALLOWED_HOSTS == []


def test_a_package_missing_from_this_python_is_named_in_one_line(tmp_path, monkeypatch):
    """Settings naming an app that is not installed stop with what to install."""
    (tmp_path / "settings_with_a_missing_app.py").write_text(
        "from config.settings import *  # noqa: F403\n"
        "INSTALLED_APPS = [*INSTALLED_APPS, 'a_package_not_installed.apps']\n"
    )
    monkeypatch.syspath_prepend(tmp_path)
    monkeypatch.setenv("DJANGO_SETTINGS_MODULE", "settings_with_a_missing_app")
    with pytest.raises(SystemExit) as exit:
        import_settings_or_exit()
    message = exit.value.code
    assert message.startswith("Error: the settings use a_package_not_installed,")
    assert 'pip install -e ".[dev]"' in message
    assert "\n" not in message


def test_manage_py_reports_a_bad_value_in_one_line(environment, monkeypatch):
    """No traceback: manage.py exits with the message alone, and status 1."""
    environment(**SERVER, DATABASE_URL="garbage")
    monkeypatch.setattr(sys, "argv", ["manage.py", "check"])
    # As in a new shell: manage.py picks config.settings and imports it afresh. The
    # test run's own settings come back afterwards.
    monkeypatch.delenv("DJANGO_SETTINGS_MODULE", raising=False)
    monkeypatch.delitem(sys.modules, "config.settings", raising=False)
    with pytest.raises(SystemExit) as exit:
        runpy.run_path(str(PROJECT_DIR / "manage.py"), run_name="__main__")
    # Python prints a message given to SystemExit to stderr, and exits with 1.
    message = exit.value.code
    assert isinstance(message, str)
    assert message.startswith("Error: DATABASE_URL does not start with a known")
    assert "\n" not in message


def test_default_database_is_the_project_file_from_any_folder(load_settings):
    """The default SQLite path is absolute, so manage.py works from any folder."""
    database = load_settings(**SERVER).DATABASES["default"]
    assert Path(database["NAME"]) == PROJECT_DIR / "db.sqlite3"


def test_sqlite_queues_concurrent_writers(load_settings):
    """WAL, write lock taken at the start of a transaction, and a busy timeout."""
    database = load_settings(**SERVER).DATABASES["default"]
    assert database["OPTIONS"] == {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }


POSTGRESQL = "django.db.backends.postgresql"
REDIS = "django.core.cache.backends.redis.RedisCache"


@pytest.fixture
def driver(monkeypatch):
    """Return a function making a backend's driver installed here, or missing."""

    def make(backend, *, installed):
        drivers = {**environment_module.DRIVERS}
        drivers[backend] = () if installed else ("a_driver_that_is_not_installed",)
        monkeypatch.setattr(environment_module, "DRIVERS", drivers)

    return make


def test_postgres_without_its_driver_says_what_to_install(load_settings, driver):
    """A PostgreSQL URL in an environment without psycopg says to add the extra."""
    driver(POSTGRESQL, installed=False)
    with pytest.raises(ImproperlyConfigured, match=r'pip install -e "\.\[postgres\]"'):
        load_settings(**SERVER, DATABASE_URL="postgres://app@db:5432/app")


def test_postgres_keeps_checked_connections(load_settings, driver):
    """Connections persist for CONN_MAX_AGE seconds and are checked before reuse."""
    driver(POSTGRESQL, installed=True)
    database = load_settings(
        **SERVER,
        DATABASE_URL="postgres://app:s%40cret@db.internal:5432/app",
        CONN_MAX_AGE="300",
    ).DATABASES["default"]
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert (database["NAME"], database["PASSWORD"]) == ("app", "s@cret")
    assert database["CONN_MAX_AGE"] == 300
    assert database["CONN_HEALTH_CHECKS"] is True
    assert "transaction_mode" not in database.get("OPTIONS", {})


def test_production_settings_pass_the_deployment_checks(load_settings):
    """With a server's environment, Django's deployment checks find nothing."""
    production = load_settings(**SERVER, EMAIL_URL=SMTP_URL)
    assert production.DEBUG is False
    values = {k: v for k, v in vars(production).items() if k not in STRUCTURAL}
    with override_settings(**values):
        messages = checks.run_checks(include_deployment_checks=True)
        problems = [m for m in messages if not m.is_silenced()]
    assert problems == []


def test_a_server_must_name_its_own_address_for_mailed_links(load_settings):
    """Without SITE_URL, a server stops: links would come from the request's Host."""
    server = {name: value for name, value in SERVER.items() if name != "SITE_URL"}
    with pytest.raises(ImproperlyConfigured, match=r"^SITE_URL is not set\."):
        load_settings(**server)
    development = load_settings(DEBUG="True", SECRET_KEY="dev")
    assert development.SITE_URL == "http://127.0.0.1:8000"
    assert load_settings(
        **{**SERVER, "SITE_URL": "https://Shop.example/"}
    ).SITE_URL == ("https://Shop.example")


@pytest.mark.parametrize(
    ("site_url", "problem"),
    [
        ("https://elsewhere.example", "website.E001"),
        ("http://www.example.com", "website.W001"),
    ],
    ids=["unlisted-host", "plain-http"],
)
def test_the_deployment_checks_name_a_site_url_links_cannot_use(
    load_settings, site_url, problem
):
    """A SITE_URL whose host is refused, or without HTTPS, fails check --deploy."""
    production = load_settings(**{**SERVER, "SITE_URL": site_url}, EMAIL_URL=SMTP_URL)
    values = {k: v for k, v in vars(production).items() if k not in STRUCTURAL}
    with override_settings(**values):
        messages = checks.run_checks(include_deployment_checks=True)
        # Only this project's checks: apps a team adds may have their own say.
        (message,) = [m for m in messages if m.id.startswith("website.")]
    assert message.id == problem
    assert "SITE_URL" in message.msg


@pytest.mark.parametrize(
    ("variables", "problems"),
    [({}, ["website.E002"]), ({"EMAIL_URL": SMTP_URL}, [])],
    ids=["unset", "smtp"],
)
def test_the_deployment_checks_name_a_missing_email_url(
    load_settings, variables, problems
):
    """A server without EMAIL_URL fails check --deploy, which names the variable."""
    production = load_settings(**SERVER, **variables)
    values = {k: v for k, v in vars(production).items() if k not in STRUCTURAL}
    with override_settings(**values):
        messages = checks.run_checks(include_deployment_checks=True)
    found = [m for m in messages if m.id.startswith("website.")]
    assert problems == [m.id for m in found]
    assert all("EMAIL_URL" in m.msg and m.is_serious() for m in found)


def test_production_settings_keep_the_default_password_hasher(load_settings):
    """Only the tests swap in the fast, weak hasher."""
    production = load_settings(**SERVER)
    assert not hasattr(production, "PASSWORD_HASHERS")
    assert len(production.AUTH_PASSWORD_VALIDATORS) == 4


@pytest.mark.parametrize(
    ("seconds", "preload"), [("3600", False), ("31536000", True)], ids=["hour", "year"]
)
def test_hsts_preload_only_from_a_year(load_settings, seconds, preload):
    """Preload lists refuse a shorter max-age, so preload waits for a year."""
    settings = load_settings(**SERVER, SECURE_HSTS_SECONDS=seconds)
    assert int(seconds) == settings.SECURE_HSTS_SECONDS
    assert settings.SECURE_HSTS_PRELOAD is preload


def test_content_security_policy_is_enforced_on_servers(load_settings):
    """Django 6.0's middleware enforces it; with DEBUG on it only reports."""
    production = load_settings(**SERVER)
    development = load_settings(DEBUG="True", SECRET_KEY="dev")
    assert production.SECURE_CSP["default-src"] == ["'self'"]
    assert not hasattr(production, "SECURE_CSP_REPORT_ONLY")
    assert development.SECURE_CSP_REPORT_ONLY == production.SECURE_CSP
    assert not hasattr(development, "SECURE_CSP")
    middleware = "django.middleware.csp.ContentSecurityPolicyMiddleware"
    assert (middleware in production.MIDDLEWARE) is (django.VERSION >= (6, 0))


def test_email_url_configures_the_smtp_mailer(load_settings):
    """EMAIL_URL reaches the mail settings of each Django line."""
    settings = load_settings(
        **SERVER, EMAIL_URL="smtp+tls://mailer:s%40cret@smtp.example.com:587"
    )
    if django.VERSION >= (6, 1):
        mailer = settings.MAILERS["default"]
        assert mailer["BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
        options = mailer["OPTIONS"]
        found = [
            options[k] for k in ("host", "port", "username", "password", "use_tls")
        ]
    else:
        assert settings.EMAIL_BACKEND == "django.core.mail.backends.smtp.EmailBackend"
        found = [
            settings.EMAIL_HOST,
            settings.EMAIL_PORT,
            settings.EMAIL_HOST_USER,
            settings.EMAIL_HOST_PASSWORD,
            settings.EMAIL_USE_TLS,
        ]
    assert found == ["smtp.example.com", 587, "mailer", "s@cret", True]


def test_development_mail_is_printed_with_its_links_whole(load_settings):
    """While DEBUG is on, mail goes to the console, each link on one line."""
    settings = load_settings(**SERVER, DEBUG="True")
    if django.VERSION >= (6, 1):
        backend_path = settings.MAILERS["default"]["BACKEND"]
    else:
        backend_path = settings.EMAIL_BACKEND
    console = StringIO()
    link = f"http://127.0.0.1:8000/accounts/activate/Mw/{'c0ffee' * 10}/"
    message = EmailMessage(
        "Confirm your address", f"Follow:\n\n{link}\n", "site@example.com", ["a@b.c"]
    )
    import_string(backend_path)(stream=console).send_messages([message])
    printed = console.getvalue().splitlines()
    assert "Subject: Confirm your address" in printed
    assert link in printed


def test_admins_get_errors_by_mail(load_settings):
    """ADMINS lists the addresses that get server errors, in each Django line's form."""
    settings = load_settings(**SERVER, ADMINS="ops@example.com, dev@example.com")
    emails = ["ops@example.com", "dev@example.com"]
    if django.VERSION >= (6, 0):
        assert emails == settings.ADMINS
    else:
        assert [email for _, email in settings.ADMINS] == emails


def test_the_sender_may_carry_a_name(load_settings):
    """DEFAULT_FROM_EMAIL takes a name beside the address, and errors come from it."""
    sender = "Shop <shop@example.com>"
    settings = load_settings(**SERVER, DEFAULT_FROM_EMAIL=sender)
    assert settings.DEFAULT_FROM_EMAIL == settings.SERVER_EMAIL == sender


def test_log_level_comes_from_the_environment(load_settings):
    """LOG_LEVEL sets the level of the root and django loggers."""
    settings = load_settings(**SERVER, LOG_LEVEL="warning")
    assert settings.LOGGING["root"]["level"] == "WARNING"
    assert settings.LOGGING["loggers"]["django"]["level"] == "WARNING"


@pytest.mark.parametrize(
    ("variables", "proxies"),
    [
        ({}, 0),
        ({"SECURE_PROXY_SSL_HEADER": "True"}, 1),
        ({"SECURE_PROXY_SSL_HEADER": "True", "TRUSTED_PROXY_COUNT": "2"}, 2),
        ({"SECURE_PROXY_SSL_HEADER": "True", "TRUSTED_PROXY_COUNT": "0"}, 0),
    ],
    ids=["no proxy", "the documented proxy", "two proxies", "a proxy not counted"],
)
def test_one_proxy_is_trusted_behind_the_documented_one(
    load_settings, variables, proxies
):
    """Behind a proxy, one is trusted with X-Forwarded-For unless told how many."""
    assert proxies == load_settings(**SERVER, **variables).TRUSTED_PROXY_COUNT


def test_the_default_cache_is_a_table_every_process_shares(load_settings):
    """Unset, CACHE_URL gives the database cache: every worker and server reads it."""
    assert load_settings(**SERVER).CACHES == {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "django_cache",
        }
    }


@pytest.mark.parametrize(
    "url",
    ["redis://cache.internal:6379/0", "rediss://:s%40cret@cache.internal:6380/1"],
    ids=["redis", "rediss"],
)
def test_a_redis_url_selects_djangos_redis_cache(load_settings, driver, url):
    """redis:// and rediss:// give Django's own Redis cache, at that address."""
    driver(REDIS, installed=True)
    assert load_settings(**SERVER, CACHE_URL=url).CACHES["default"] == {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": url,
    }


def test_redis_without_its_client_says_what_to_install(load_settings, driver):
    """A Redis URL in an environment without the redis package says to add the extra."""
    driver(REDIS, installed=False)
    with pytest.raises(ImproperlyConfigured, match=r'pip install -e "\.\[redis\]"'):
        load_settings(**SERVER, CACHE_URL="redis://cache.internal:6379/0")


@pytest.mark.django_db(transaction=True)
def test_migrate_alone_creates_the_cache_table(settings):
    """On a new database, migrate makes the database cache's table; nothing else."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "django_cache",
        }
    }
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS django_cache")
    try:
        call_command("migrate", "website", "zero", verbosity=0)
        call_command("migrate", verbosity=0)
        assert "django_cache" in connection.introspection.table_names()
        cache.set("greeting", "hello")
        assert cache.get("greeting") == "hello"
    finally:
        call_command("createcachetable", verbosity=0)
