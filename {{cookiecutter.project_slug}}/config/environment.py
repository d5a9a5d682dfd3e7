"""
Read the settings' environment strictly.

A value that would only fail later (an empty key, a database URL Django cannot use, a
word where a number belongs) stops the process at startup instead, with one message
that names the variable and says how to fix it.
"""

import contextlib
import importlib
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
# The modules each database or cache backend imports; without one, Django would
# stop with a traceback at the first query or cache read instead.
DRIVERS = {
    "django.db.backends.postgresql": ("psycopg", "psycopg2"),
    "django.contrib.gis.db.backends.postgis": ("psycopg", "psycopg2"),
    "django.db.backends.mysql": ("MySQLdb",),
    "django.contrib.gis.db.backends.mysql": ("MySQLdb",),
    "django.db.backends.oracle": ("oracledb",),
    "django.core.cache.backends.redis.RedisCache": ("redis",),
    "django.core.cache.backends.memcached.PyMemcacheCache": ("pymemcache",),
    "django.core.cache.backends.memcached.PyLibMCCache": ("pylibmc",),
}
# django-environ still maps memcache:// to a backend Django 4.1 removed.
REMOVED_CACHE_SCHEMES = frozenset({"memcache"})
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
            raise ImproperlyConfigured(
                f"{env_file} is not UTF-8 text ({error.reason} at byte "
                f"{error.start}). Save it as UTF-8."
            ) from None

    def str(self, var, default=NOT_SET, multiline=False):
        """Return the variable exactly as written."""
        # django-environ reads a value starting with "$" as the name of another
        # variable; Django's own key generator uses "$", so values are kept as is.
        value = self.ENVIRON.get(var)
        if value is not None:
            return value
        if default is NOT_SET:
            raise ImproperlyConfigured(
                f"{var} is not set. For local development, create .env from "
                ".env.example as README.md shows; on a server, set it in the "
                "environment."
            )
        return default

    def bool(self, var, default=NOT_SET):
        """Return a true/false variable, refusing any other word."""
        # django-environ reads any unknown word as False, so "DEBUG=True  # local"
        # (.env keeps everything after "=") would silently switch DEBUG off.
        value = self.str(var, default)
        word = str(value).strip().lower()
        if word not in {"true", "yes", "on", "1", "false", "no", "off", "0"}:
            raise ImproperlyConfigured(
                f"{var}={value!r} is neither true nor false. Write True or False, and "
                "put any comment on a line of its own."
            )
        return word in {"true", "yes", "on", "1"}

    def int(self, var, default=NOT_SET, *, minimum=0, maximum=None):
        """Return a whole number, from minimum (0 unless given) to maximum."""
        value = self.str(var, default)
        number = value if isinstance(value, int) else None
        with contextlib.suppress(ValueError):
            number = int(value.strip()) if number is None else number
        if number is None or number < minimum or (maximum and number > maximum):
            bounds = (
                f"from {minimum} to {maximum}" if maximum else f"of {minimum} or more"
            )
            raise ImproperlyConfigured(
                f"{var}={value!r} is not a whole number {bounds}. Write digits only, "
                f"such as {default if isinstance(default, int) else minimum}."
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
        example = "postgres://USER:PASSWORD@HOST:5432/NAME"
        # ":memory:" is SQLite's name for a database in memory, not a host and port.
        in_memory = url in {"sqlite://:memory:", "spatialite://:memory:"}
        parts = urlsplit(url) if in_memory else url_parts(var, url, example)
        is_file = parts.scheme in {"sqlite", "spatialite"} and not in_memory
        if parts.scheme not in self.DB_SCHEMES:
            raise ImproperlyConfigured(
                f"{var} does not start with a known database scheme (it starts with "
                f"{parts.scheme or url[:12]!r}). Write, for instance, {example} or "
                "sqlite:////absolute/path/db.sqlite3."
            )
        # sqlite://name.db (two slashes) would silently open an in-memory database,
        # and sqlite:///name.db a file in the current folder.
        if is_file and (parts.netloc or not Path(parts.path[1:]).is_absolute()):
            raise ImproperlyConfigured(
                f"{var} names a relative SQLite path, which would depend on the "
                "folder the command runs from. Write an absolute one with four "
                "slashes: sqlite:////absolute/path/db.sqlite3."
            )
        config = self.db_url_config(url, engine)
        if not config.get("NAME"):
            raise ImproperlyConfigured(
                f"{var} names no database. End it with the database name, such as "
                f"{parts.scheme}://USER:PASSWORD@HOST:5432/NAME."
            )
        file = Path(config["NAME"])
        if is_file and (file.is_dir() or not file.parent.is_dir()):
            raise ImproperlyConfigured(
                f"{var} names {file}, whose folder does not exist or which is a "
                "folder itself. Name a file in an existing folder."
            )
        require_driver(var, config["ENGINE"], f"{parts.scheme} database", "postgres")
        return config

    def cache_url(self, var="CACHE_URL", default=NOT_SET, backend=None):
        """Return a CACHES entry, refusing URLs Django would misread."""
        url = self.str(var, default)
        example = "redis://HOST:6379/0"
        parts = url_parts(var, url, example)
        if parts.scheme not in self.CACHE_SCHEMES.keys() - REMOVED_CACHE_SCHEMES:
            raise ImproperlyConfigured(
                f"{var} does not start with a known cache scheme (it starts with "
                f"{parts.scheme or url[:12]!r}). Write, for instance, {example} or "
                "dbcache://TABLE."
            )
        config = self.cache_url_config(url, backend)
        if parts.scheme == "dbcache" and not config["LOCATION"]:
            raise ImproperlyConfigured(
                f"{var} names no table. Write its name after the scheme, such as "
                "dbcache://django_cache."
            )
        redis = parts.scheme.startswith(("redis", "valkey"))
        if redis and not (parts.hostname or parts.path):
            raise ImproperlyConfigured(
                f"{var} names no Redis server. Write, for instance, {example}."
            )
        # Redis numbers its databases; the client would refuse a name only at the
        # first cache read.
        if redis and parts.hostname and not re.fullmatch(r"/?\d*", parts.path):
            raise ImproperlyConfigured(
                f"{var} names Redis database {parts.path[1:]!r}; Redis numbers them. "
                f"End the URL with a number, such as {example}."
            )
        require_driver(var, config["BACKEND"], f"{parts.scheme} cache", "redis")
        return config

    def email_url(self, var="EMAIL_URL", default=NOT_SET, backend=None):
        """Return the EMAIL_* settings of a URL such as smtp+tls://u:pw@host:587."""
        url = self.str(var, default)
        example = "smtp+tls://USER:PASSWORD@smtp.example.com:587"
        parts = url_parts(var, url, example)
        if parts.scheme not in self.EMAIL_SCHEMES or (
            parts.scheme.startswith("smtp") and not parts.hostname
        ):
            raise ImproperlyConfigured(
                f"{var} is not a mail URL. Write, for instance, {example}, or "
                "consolemail:// to print mail."
            )
        if parts.scheme == "filemail" and not Path(parts.path[1:]).is_absolute():
            raise ImproperlyConfigured(
                f"{var} names a relative folder, which would depend on the folder the "
                "command runs from. Write an absolute one with four slashes: "
                "filemail:////absolute/folder."
            )
        return self.email_url_config(url, backend)


def url_parts(var, url, example):
    """Split a URL, refusing one whose host or port cannot be read."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - reading it checks it is a number from 0 to 65535
    except ValueError as error:
        raise ImproperlyConfigured(
            f"{var} cannot be read ({error}). Write, for instance, {example}."
        ) from None
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
    backend = email["EMAIL_BACKEND"]
    if backend == "django.core.mail.backends.smtp.EmailBackend":
        options = {SMTP_OPTIONS[k]: v for k, v in email.items() if k in SMTP_OPTIONS}
    elif backend == "django.core.mail.backends.filebased.EmailBackend":
        options = {"file_path": email["EMAIL_FILE_PATH"]}
    else:
        options = {}
    return {"BACKEND": backend, "OPTIONS": options}


def check_secret_key(key, *, debug):
    """Refuse an empty key, and on a server a short or repetitive one."""
    # The thresholds of Django's own deployment check (security.W009).
    if not key.strip() or (not debug and (len(key) < 50 or len(set(key)) < 5)):
        raise ImproperlyConfigured(
            "SECRET_KEY is empty or too short. A server needs at least 50 varied "
            "characters; make one with: python -c 'import secrets; "
            "print(secrets.token_urlsafe(50))'"
        )


def check_allowed_hosts(hosts, *, debug):
    """Refuse entries no request would match, and a server without any."""
    if not hosts and not debug:
        raise ImproperlyConfigured(
            "ALLOWED_HOSTS is empty, and a server needs it while DEBUG is off. "
            "Give a comma-separated list, such as www.example.com."
        )
    for host in hosts:
        # Names separated by spaces, as nginx's server_name lists them, would be
        # one name that no request carries, and every request a 400.
        if any(character.isspace() for character in host):
            raise ImproperlyConfigured(
                f"ALLOWED_HOSTS holds {host!r}, which is not one host name. Separate "
                "names with commas, such as example.com,www.example.com."
            )
        # Django compares the host alone: an entry with a scheme, a path or a port
        # would never match, and every request would get a 400.
        if "/" in host or ":" in host.rsplit("]", 1)[-1]:
            raise ImproperlyConfigured(
                f"ALLOWED_HOSTS holds {host!r}, which is not a host name. Write names "
                "alone, without scheme, port or path, such as www.example.com."
            )


def check_site_addresses(site_url, origins):
    """Refuse a SITE_URL or a trusted origin that is not a scheme and a host."""
    parts = url_parts("SITE_URL", site_url, "https://www.example.com")
    if parts.scheme not in {"http", "https"} or not parts.hostname or parts.path:
        raise ImproperlyConfigured(
            f"SITE_URL={site_url!r} is not a site's address. Write its scheme and "
            "host alone, such as https://www.example.com."
        )
    for origin in origins:
        if urlsplit(origin).scheme not in {"http", "https"}:
            raise ImproperlyConfigured(
                f"CSRF_TRUSTED_ORIGINS holds {origin!r}, which lacks its scheme. "
                "Write origins with it, such as https://www.example.com."
            )


def check_mail_addresses(admins, sender):
    """Refuse an ADMINS entry or a sender that is not an email address."""
    for address in admins:
        try:
            validate_email(address)
        except ValidationError:
            raise ImproperlyConfigured(
                f"ADMINS holds {address!r}, which is not an email address. Write "
                "plain addresses, such as ops@example.com,dev@example.com."
            ) from None
    try:
        validate_email(parseaddr(sender)[1])
    except ValidationError:
        raise ImproperlyConfigured(
            f"DEFAULT_FROM_EMAIL={sender!r} is not an email address. Write one such "
            "as ops@example.com or Ops <ops@example.com>."
        ) from None


def check_choice(var, value, choices):
    """Refuse a value that is not one of the choices."""
    if value not in choices:
        raise ImproperlyConfigured(
            f"{var}={value!r} is not one of {', '.join(choices)}. Write one of them."
        )


def check_hsts(seconds, *, preload, one_year):
    """Refuse asking for preloading with a max-age the preload lists refuse."""
    if preload and seconds < one_year:
        raise ImproperlyConfigured(
            f"SECURE_HSTS_PRELOAD is on while SECURE_HSTS_SECONDS is {seconds}; "
            f"preload lists need at least {one_year} (a year). Raise it or leave "
            "SECURE_HSTS_PRELOAD unset."
        )


@contextlib.contextmanager
def exit_on_bad_environment():
    """End the process with the one-line message of a bad environment value."""
    # Tracebacks are for bugs; a wrong value in the environment deserves a sentence.
    try:
        yield
    except ImproperlyConfigured as error:
        sys.exit(f"Error: {error}")


def import_settings_or_exit():
    """
    Import the settings, or end the process with their one-line message; also
    end it when a package the settings name is not installed in this Python.
    """
    with exit_on_bad_environment():
        settings = importlib.import_module(
            os.environ.get("DJANGO_SETTINGS_MODULE", "config.settings")
        )
    # Run from another virtual environment, or before the project is installed,
    # Django would stop with a traceback at the first app or middleware it loads.
    packages = {name.split(".")[0] for name in settings.INSTALLED_APPS}
    packages |= {name.split(".")[0] for name in settings.MIDDLEWARE}
    missing = sorted(name for name in packages if not importlib.util.find_spec(name))
    if missing:
        sys.exit(
            f"Error: the settings use {', '.join(missing)}, not installed in "
            f"{sys.executable}. Activate the project's virtual environment, or "
            'install the project into this one: pip install -e ".[dev]".'
        )
