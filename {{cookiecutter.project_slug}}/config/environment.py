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

TRUE_WORDS = frozenset({"true", "yes", "on", "1"})
FALSE_WORDS = frozenset({"false", "no", "off", "0"})
NOT_SET = environ.Env.NOTSET
# The modules each database backend imports; without one, Django would stop with a
# traceback at the first query instead.
DATABASE_DRIVERS = {
    "django.db.backends.postgresql": ("psycopg", "psycopg2"),
    "django.contrib.gis.db.backends.postgis": ("psycopg", "psycopg2"),
    "django.db.backends.mysql": ("MySQLdb",),
    "django.contrib.gis.db.backends.mysql": ("MySQLdb",),
    "django.db.backends.oracle": ("oracledb",),
}
# The client each cache backend imports, which Django would otherwise miss only at
# the first cache read, with a traceback.
CACHE_DRIVERS = {
    "django.core.cache.backends.redis.RedisCache": ("redis",),
    "django.core.cache.backends.memcached.PyMemcacheCache": ("pymemcache",),
    "django.core.cache.backends.memcached.PyLibMCCache": ("pylibmc",),
}
# django-environ still maps memcache:// to a backend Django 4.1 removed.
REMOVED_CACHE_SCHEMES = frozenset({"memcache"})


class Env(environ.Env):
    """django-environ's reader, with every value checked before it is used."""

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
        # variable; Django's own key generator uses "$", so secrets are kept as is.
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
        if isinstance(value, bool):
            return value
        word = value.strip().lower()
        if word in TRUE_WORDS or word in FALSE_WORDS:
            return word in TRUE_WORDS
        raise ImproperlyConfigured(
            f"{var}={value!r} is neither true nor false. Write True or False, and "
            "put any comment on a line of its own."
        )

    def int(self, var, default=NOT_SET, minimum=0, maximum=None):
        """Return a whole number within the given bounds."""
        value = self.str(var, default)
        try:
            number = value if isinstance(value, int) else int(value.strip())
        except ValueError:
            number = None
        if number is None or number < minimum or (maximum and number > maximum):
            bounds = (
                f"from {minimum} to {maximum}" if maximum else f"of {minimum} or more"
            )
            raise ImproperlyConfigured(
                f"{var}={value!r} is not a whole number {bounds}. Write digits only, "
                f"such as {default if isinstance(default, int) else minimum}."
            )
        return number

    def list(self, var, default=NOT_SET, *, required=False, example="a,b"):
        """Return a comma-separated list; when required, an empty one is refused."""
        value = self.str(var, default)
        items = value if isinstance(value, list) else value.split(",")
        items = [item.strip() for item in items if item.strip()]
        if required and not items:
            raise ImproperlyConfigured(
                f"{var} is empty, and a server needs it while DEBUG is off. "
                f"Give a comma-separated list, such as {example}."
            )
        return items

    def hosts(self, var, default=NOT_SET, *, required=False):
        """Return a list of host names, as ALLOWED_HOSTS takes them."""
        hosts = self.list(var, default, required=required, example="www.example.com")
        for host in hosts:
            # Names separated by spaces, as nginx's server_name lists them, would
            # be one name that no request carries, and every request a 400.
            if any(character.isspace() for character in host):
                raise ImproperlyConfigured(
                    f"{var} holds {host!r}, which is not one host name. Separate "
                    "names with commas, such as example.com,www.example.com."
                )
            # Django compares the host alone: an entry with a scheme, a path or a
            # port would never match, and every request would get a 400.
            if "/" in host or ":" in host.rsplit("]", 1)[-1]:
                raise ImproperlyConfigured(
                    f"{var} holds {host!r}, which is not a host name. Write names "
                    "alone, without scheme, port or path, such as www.example.com."
                )
        return hosts

    def origins(self, var, default=NOT_SET):
        """Return a list of origins, as CSRF_TRUSTED_ORIGINS takes them."""
        origins = self.list(var, default)
        for origin in origins:
            if urlsplit(origin).scheme not in {"http", "https"}:
                raise ImproperlyConfigured(
                    f"{var} holds {origin!r}, which lacks its scheme. Write origins "
                    "with it, such as https://www.example.com."
                )
        return origins

    def site_url(self, var, default=NOT_SET, *, required=False):
        """Return a site's address, such as https://www.example.com, without a path."""
        url = self.str(var, NOT_SET if required else default)
        example = "https://www.example.com"
        parts = self.url_parts(var, url, example)
        if (
            parts.scheme not in {"http", "https"}
            or not parts.hostname
            or parts.path not in {"", "/"}
            or parts.query
            or parts.fragment
        ):
            raise ImproperlyConfigured(
                f"{var}={url!r} is not a site's address. Write its scheme and host "
                f"alone, such as {example}."
            )
        return url.rstrip("/")

    def choice(self, var, default=NOT_SET, *, choices):
        """Return one of the given words, in any letter case."""
        value = self.str(var, default)
        if value.strip().upper() not in choices:
            raise ImproperlyConfigured(
                f"{var}={value!r} is not one of {', '.join(choices)}. Write one of them."
            )
        return value.strip().upper()

    def secret_key(self, var, *, strong):
        """Return a signing key; a server's must be long and varied."""
        value = self.str(var)
        # The thresholds of Django's own deployment check (security.W009).
        if not value.strip() or (strong and (len(value) < 50 or len(set(value)) < 5)):
            raise ImproperlyConfigured(
                f"{var} is empty or too short. A server needs at least 50 varied "
                "characters; make one with: python -c 'import secrets; "
                "print(secrets.token_urlsafe(50))'"
            )
        return value

    def db_url(self, var="DATABASE_URL", default=NOT_SET, **options):
        """Return a DATABASES entry, refusing URLs Django would misread."""
        url = self.str(var, default)
        example = "postgres://USER:PASSWORD@HOST:5432/NAME"
        # ":memory:" is SQLite's name for a database in memory, not a host and port.
        in_memory = url in {"sqlite://:memory:", "spatialite://:memory:"}
        parts = urlsplit(url) if in_memory else self.url_parts(var, url, example)
        if parts.scheme not in self.DB_SCHEMES:
            raise ImproperlyConfigured(
                f"{var} does not start with a known database scheme (it starts with "
                f"{parts.scheme or url[:12]!r}). Write, for instance, {example} or "
                "sqlite:////absolute/path/db.sqlite3."
            )
        # sqlite://name.db (two slashes) would silently open an in-memory database,
        # and sqlite:///name.db a file in the current folder.
        if (
            parts.scheme in {"sqlite", "spatialite"}
            and not in_memory
            and (parts.netloc or not Path(parts.path[1:]).is_absolute())
        ):
            raise ImproperlyConfigured(
                f"{var} names a relative SQLite path, which would depend on the "
                "folder the command runs from. Write an absolute one with four "
                "slashes: sqlite:////absolute/path/db.sqlite3."
            )
        config = {**self.db_url_config(url), **options}
        if not config.get("NAME"):
            raise ImproperlyConfigured(
                f"{var} names no database. End it with the database name, such as "
                f"{parts.scheme}://USER:PASSWORD@HOST:5432/NAME."
            )
        database_file = Path(config["NAME"])
        if (
            parts.scheme in {"sqlite", "spatialite"}
            and not in_memory
            and (database_file.is_dir() or not database_file.parent.is_dir())
        ):
            raise ImproperlyConfigured(
                f"{var} names {database_file}, whose folder does not exist or which "
                "is a folder itself. Name a file in an existing folder."
            )
        drivers = DATABASE_DRIVERS.get(config["ENGINE"], ())
        if drivers and not any(map(importlib.util.find_spec, drivers)):
            raise ImproperlyConfigured(
                f"{var} names a {parts.scheme} database, but its driver "
                f"({' or '.join(drivers)}) is not installed. For PostgreSQL, install "
                'the project with its extra: pip install -e ".[postgres]".'
            )
        return config

    def cache_url(self, var="CACHE_URL", default=NOT_SET, backend=None):
        """Return a CACHES entry, refusing URLs Django would misread."""
        url = self.str(var, default)
        example = "redis://HOST:6379/0"
        parts = self.url_parts(var, url, example)
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
        if parts.scheme.startswith(("redis", "valkey")):
            if not parts.hostname and not parts.path:
                raise ImproperlyConfigured(
                    f"{var} names no Redis server. Write, for instance, {example}."
                )
            # Redis numbers its databases; the client would refuse a name only at
            # the first cache read.
            if parts.hostname and not re.fullmatch(r"/?\d*", parts.path):
                raise ImproperlyConfigured(
                    f"{var} names Redis database {parts.path[1:]!r}; Redis numbers "
                    f"them. End the URL with a number, such as {example}."
                )
        drivers = CACHE_DRIVERS.get(config["BACKEND"], ())
        if drivers and not any(map(importlib.util.find_spec, drivers)):
            raise ImproperlyConfigured(
                f"{var} names a {parts.scheme} cache, but its client "
                f"({' or '.join(drivers)}) is not installed. For Redis, install the "
                'project with its extra: pip install -e ".[redis]".'
            )
        return config

    def email_url(self, var="EMAIL_URL", default=NOT_SET, backend=None):
        """Return the mail settings of a URL such as smtp+tls://user:pw@host:587."""
        url = self.str(var, default)
        example = "smtp+tls://USER:PASSWORD@smtp.example.com:587"
        parts = self.url_parts(var, url, example)
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
        return self.email_url_config(url)

    def email_address(self, var, default=NOT_SET):
        """Return a sender such as ops@example.com or "Ops <ops@example.com>"."""
        value = self.str(var, default)
        if not is_email_address(parseaddr(value)[1]):
            raise ImproperlyConfigured(
                f"{var}={value!r} is not an email address. Write one such as "
                "ops@example.com or Ops <ops@example.com>."
            )
        return value

    def email_addresses(self, var, default=NOT_SET):
        """Return a comma-separated list of plain addresses."""
        addresses = self.list(var, default)
        for address in addresses:
            if not is_email_address(address):
                raise ImproperlyConfigured(
                    f"{var} holds {address!r}, which is not an email address. Write "
                    "plain addresses, such as ops@example.com,dev@example.com."
                )
        return addresses

    @staticmethod
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

    db = db_url
    cache = cache_url
    email = email_url


def is_email_address(value):
    try:
        validate_email(value)
    except ValidationError:
        return False
    return True


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
