"""Read the environment strictly: a value that would only fail later stops startup."""

import contextlib
import importlib.util
import os
import re
import sys
from email.utils import parseaddr
from pathlib import Path
from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.validators import validate_email

NOT_SET = environ.Env.NOTSET
TRUE, FALSE = {"true", "yes", "on", "1"}, {"false", "no", "off", "0"}
SQLITE = "sqlite:////absolute/path/db.sqlite3"
REDIS = "redis://HOST:6379/0"
SITE = "https://www.example.com"
# Without its driver, a backend fails at the first query or cache read.
DRIVERS = {
    "django.db.backends.postgresql": ("psycopg", "psycopg2"),
    "django.contrib.gis.db.backends.postgis": ("psycopg", "psycopg2"),
    "django.db.backends.mysql": ("MySQLdb",),
    "django.contrib.gis.db.backends.mysql": ("MySQLdb",),
    "django.db.backends.oracle": ("oracledb",),
    "django.core.cache.backends.redis.RedisCache": ("redis",),
    "django.core.cache.backends.memcached.PyLibMCCache": ("pylibmc",),
}
# Django 6.1's names for the SMTP mailer's options.
SMTP_OPTIONS = {
    "EMAIL_HOST": "host",
    "EMAIL_PORT": "port",
    "EMAIL_HOST_USER": "username",
    "EMAIL_HOST_PASSWORD": "password",
    "EMAIL_USE_TLS": "use_tls",
    "EMAIL_USE_SSL": "use_ssl",
    "EMAIL_TIMEOUT": "timeout",
}


class Env(environ.Env):
    """django-environ's reader, refusing the values it would misread."""

    @classmethod
    def read_env(cls, env_file=None, **kwargs):
        """Read a .env file, refusing one that is not UTF-8 text."""
        try:
            return super().read_env(env_file, **kwargs)
        except UnicodeDecodeError as error:
            message = f"{env_file} is not UTF-8 text (byte {error.start}). Save it so."
            raise ImproperlyConfigured(message) from None

    def str(self, var, default=NOT_SET, multiline=False):
        """Return the variable as written; django-environ reads "$x" as x's value."""
        value = self.ENVIRON.get(var, default)
        if value is NOT_SET:
            raise ImproperlyConfigured(
                f"{var} is not set. For local development, create .env from "
                ".env.example as README.md shows; on a server, set it in the "
                "environment."
            )
        return value

    def bool(self, var, default=NOT_SET):
        """Return True or False, refusing a word django-environ would read as False."""
        value = self.str(var, default)
        if (word := str(value).strip().lower()) not in TRUE | FALSE:
            raise ImproperlyConfigured(
                f"{var}={value!r} is neither true nor false. Write True or False, "
                "and put any comment on a line of its own."
            )
        return word in TRUE

    def int(self, var, default=NOT_SET, *, minimum=0, maximum=None):
        """Return a whole number, from minimum (0 unless given) to maximum."""
        value, number = self.str(var, default), None
        with contextlib.suppress(ValueError):
            number = int(value)
        if number is None or number < minimum or (maximum and number > maximum):
            bounds = (
                f"from {minimum} to {maximum}" if maximum else f"of {minimum} or more"
            )
            example = default if isinstance(default, int) else minimum
            raise ImproperlyConfigured(
                f"{var}={value!r} is not a whole number {bounds}, such as {example}."
            )
        return number

    def list(self, var, cast=None, default=NOT_SET):
        """Return a comma-separated list, without blank items."""
        value = self.str(var, default)
        items = value if isinstance(value, list) else value.split(",")
        return [item.strip() for item in items if item.strip()]

    def db_url(self, var="DATABASE_URL", default=NOT_SET, engine=None):
        """Return a DATABASES entry, refusing URLs Django would misread."""
        url = self.str(var, default)
        # ":memory:" is SQLite's name for a database in memory, not a host and port.
        if url in {"sqlite://:memory:", "spatialite://:memory:"}:
            return self.db_url_config(url, engine)
        example = f"postgres://USER:PASSWORD@HOST:5432/NAME or {SQLITE}"
        parts = url_parts(var, url, example, self.DB_SCHEMES, "database")
        sqlite = parts.scheme in {"sqlite", "spatialite"}
        # Two slashes would open a database in memory, three a file in the folder
        # the command runs from.
        if sqlite and (parts.netloc or not Path(parts.path[1:]).is_absolute()):
            refuse(var, "names a relative SQLite path", SQLITE)
        config = self.db_url_config(url, engine)
        if not config.get("NAME"):
            refuse(var, "names no database", example)
        file = Path(config["NAME"])
        if sqlite and (file.is_dir() or not file.parent.is_dir()):
            problem = f"names {file}, whose folder does not exist or which is a folder"
            refuse(var, problem, SQLITE)
        require_driver(var, config["ENGINE"], f"{parts.scheme} database", "postgres")
        return config

    def cache_url(self, var="CACHE_URL", default=NOT_SET, backend=None):
        """Return a CACHES entry, refusing URLs Django would misread."""
        url = self.str(var, default)
        # django-environ still maps memcache:// to a backend Django 4.1 removed.
        schemes = self.CACHE_SCHEMES.keys() - {"memcache"}
        parts = url_parts(var, url, f"{REDIS} or dbcache://TABLE", schemes, "cache")
        config = self.cache_url_config(url, backend)
        redis = parts.scheme.startswith(("redis", "valkey"))
        if parts.scheme == "dbcache" and not config["LOCATION"]:
            refuse(var, "names no table", "dbcache://django_cache")
        if redis and not (parts.hostname or parts.path):
            refuse(var, "names no Redis server", REDIS)
        # The Redis client would refuse a database's name only at the first read.
        if redis and parts.hostname and not re.fullmatch(r"/?\d*", parts.path):
            refuse(var, f"names Redis database {parts.path[1:]!r}, not a number", REDIS)
        require_driver(var, config["BACKEND"], f"{parts.scheme} cache", "redis")
        return config

    def email_url(self, var="EMAIL_URL", default=NOT_SET, backend=None):
        """Return the EMAIL_* settings of a URL such as smtp+tls://u:pw@host:587."""
        url = self.str(var, default)
        example = "smtp+tls://USER:PASSWORD@smtp.example.com:587 or consolemail://"
        parts = url_parts(var, url, example)
        if parts.scheme not in self.EMAIL_SCHEMES or (
            parts.scheme.startswith("smtp") and not parts.hostname
        ):
            refuse(var, "is not a mail URL", example)
        if parts.scheme == "filemail" and not Path(parts.path[1:]).is_absolute():
            refuse(var, "names a relative folder", "filemail:////absolute/folder")
        return self.email_url_config(url, backend)


def refuse(what, problem, example):
    """Stop startup, saying what is wrong with a variable and what to write."""
    raise ImproperlyConfigured(f"{what} {problem}. Write, for instance, {example}.")


def url_parts(var, url, example, schemes=None, kind=""):
    """Split a URL, refusing an unknown scheme or a port that is not a number."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - reading it checks it is a number from 0 to 65535
    except ValueError as error:
        refuse(var, f"cannot be read ({error})", example)
    if schemes is not None and parts.scheme not in schemes:
        scheme = parts.scheme or url[:12]
        refuse(var, f"does not start with a known {kind} scheme ({scheme!r})", example)
    return parts


def require_driver(var, backend, what, extra):
    """Refuse a backend whose driver is not installed in this Python."""
    drivers = DRIVERS.get(backend, ())
    if drivers and not any(map(importlib.util.find_spec, drivers)):
        raise ImproperlyConfigured(
            f"{var} names a {what}, but its driver ({' or '.join(drivers)}) is not "
            f'installed. Install it, or the project with its extra: pip install -e ".'
            f'[{extra}]".'
        )


def mailer(email):
    """Return Django 6.1's MAILERS entry for the EMAIL_* settings given."""
    backend, options = email["EMAIL_BACKEND"], {}
    if backend == "django.core.mail.backends.smtp.EmailBackend":
        options = {SMTP_OPTIONS[k]: v for k, v in email.items() if k in SMTP_OPTIONS}
    elif backend == "django.core.mail.backends.filebased.EmailBackend":
        options = {"file_path": email["EMAIL_FILE_PATH"]}
    return {"BACKEND": backend, "OPTIONS": options}


def check_server(key, hosts, *, debug):
    """Refuse an empty key, and on a server a weak key or no host names."""
    if not key.strip() or (not debug and (len(key) < 50 or len(set(key)) < 5)):
        raise ImproperlyConfigured(
            "SECRET_KEY is empty or too short. A server needs 50 varied characters: "
            "python -c 'import secrets; print(secrets.token_urlsafe(50))'"
        )
    if not hosts and not debug:
        refuse("ALLOWED_HOSTS", "is empty, and a server needs it", "www.example.com")


def check_addresses(hosts, site_url, origins, admins, sender):
    """Refuse host names, addresses and origins that no request or mail would use."""
    for host in hosts:
        # nginx separates server names with spaces; Django compares the host alone,
        # without scheme, port or path.
        if any(character.isspace() for character in host):
            problem = f"holds {host!r}, which is not one host name"
            refuse("ALLOWED_HOSTS", problem, "example.com,www.example.com")
        if "/" in host or ":" in host.rsplit("]", 1)[-1]:
            problem = f"holds {host!r}, which is not a host name"
            refuse("ALLOWED_HOSTS", problem, "www.example.com")
    parts = url_parts("SITE_URL", site_url, SITE)
    if parts.scheme not in {"http", "https"} or not parts.hostname or parts.path:
        refuse(f"SITE_URL={site_url!r}", "is not a site's address", SITE)
    for origin in origins:
        if urlsplit(origin).scheme not in {"http", "https"}:
            problem = f"holds {origin!r}, which lacks its scheme"
            refuse("CSRF_TRUSTED_ORIGINS", problem, SITE)
    for address in admins:
        if not is_email(address):
            problem = f"holds {address!r}, which is not an email address"
            refuse("ADMINS", problem, "ops@example.com,dev@example.com")
    if not is_email(parseaddr(sender)[1]):
        example = "ops@example.com or Ops <ops@example.com>"
        refuse(f"DEFAULT_FROM_EMAIL={sender!r}", "is not an email address", example)


def is_email(address):
    """Return whether Django's EmailField would take the address."""
    try:
        validate_email(address)
    except ValidationError:
        return False
    return True


def check_choice(var, value, choices):
    """Refuse a value that is not one of the choices."""
    if value not in choices:
        choices = ", ".join(choices)
        raise ImproperlyConfigured(f"{var}={value!r} is not one of {choices}.")


def check_hsts(seconds, preload, one_year):
    """Refuse asking for preloading with a max-age the preload lists refuse."""
    if preload and seconds < one_year:
        raise ImproperlyConfigured(
            f"SECURE_HSTS_PRELOAD is on while SECURE_HSTS_SECONDS is {seconds}; "
            f"preload lists need {one_year} (a year) or more."
        )


@contextlib.contextmanager
def exit_on_bad_environment():
    """End the process with a bad value's one-line message instead of a traceback."""
    try:
        yield
    except ImproperlyConfigured as error:
        sys.exit(f"Error: {error}")


def import_settings_or_exit():
    """Import the settings, or end the process naming a bad value or missing package."""
    with exit_on_bad_environment():
        settings = importlib.import_module(
            os.environ.get("DJANGO_SETTINGS_MODULE", "config.settings")
        )
    # From another virtual environment, Django would stop with a traceback at the
    # first app or middleware it loads.
    apps = {
        name.split(".")[0] for name in [*settings.INSTALLED_APPS, *settings.MIDDLEWARE]
    }
    if missing := sorted(app for app in apps if not importlib.util.find_spec(app)):
        sys.exit(
            f"Error: the settings use {', '.join(missing)}, not installed in "
            f"{sys.executable}. Activate the project's virtual environment, or "
            'install the project into this one: pip install -e ".[dev]".'
        )
