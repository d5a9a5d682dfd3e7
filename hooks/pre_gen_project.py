"""Refuse answers that would generate a broken project, before any file is written."""

import json
import keyword
import re
import sys
import unicodedata
import zoneinfo
from pathlib import Path

PROJECT_NAME = json.loads(r""" {{ cookiecutter.project_name | tojson }} """)
PROJECT_SLUG = json.loads(r""" {{ cookiecutter.project_slug | tojson }} """)
DESCRIPTION = json.loads(r""" {{ cookiecutter.description | tojson }} """)
AUTHOR_NAME = json.loads(r""" {{ cookiecutter.author_name | tojson }} """)
AUTHOR_EMAIL = json.loads(r""" {{ cookiecutter.author_email | tojson }} """)
TIME_ZONE = json.loads(r""" {{ cookiecutter.time_zone | tojson }} """)
# Cookiecutter runs this hook inside the project folder, which it has just created,
# or found already there when asked to overwrite.
PROJECT_DIR = Path.cwd()

MAX_SLUG_LENGTH = 100

# Top-level modules the generated project imports or contains; a package of the
# same name on sys.path would shadow them.
PROJECT_MODULES = {
    "config",
    "conftest",
    "django",
    "environ",
    "manage",
    "psycopg",
    "pytest",
    "test",
    "tests",
    "users",
    "website",
}

# What pip install -e ".[dev,postgres,redis]" puts beside the project: the requirements in
# the project's pyproject.toml, what they require in turn, the build backend and pip
# itself, by distribution and by import name, normalised as PEP 503 does. A project
# of one of these names cannot be installed with them, or replaces one of them.
# The hook cannot read pyproject.toml (Cookiecutter runs it from a temporary copy),
# so tests/test_hooks.py derives this set from pyproject.toml and an installed
# environment, and names whatever is missing here.
INSTALLED_WITH_THE_PROJECT = {
    "asgiref",
    "async-timeout",
    "axes",
    "colorama",
    "confusable-homoglyphs",
    "django",
    "django-axes",
    "django-environ",
    "django-otp",
    "django-stubs-ext",
    "django-tasks",
    "django-tasks-db",
    "django_otp",
    "environ",
    "exceptiongroup",
    "gunicorn",
    "idna",
    "importlib-metadata",
    "iniconfig",
    "packaging",
    "pip",
    "pkg-resources",
    "pluggy",
    "psycopg",
    "psycopg-binary",
    "py",
    "pygments",
    "pytest",
    "pytest-django",
    "redis",
    "ruff",
    "segno",
    "setuptools",
    "sqlparse",
    "tomli",
    "typing-extensions",
    "tzdata",
    "whitenoise",
}

# An email address as the packaging tools read it (setuptools parses it with the
# standard library's email.headerregistry): an ASCII dot-atom before the "@", a domain
# of dot-separated labels after it. Quotes, spaces, commas and comments, which a mail
# parser accepts or silently drops, are refused.
ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
LABEL = r"[^\W_]+(?:-+[^\W_]+)*"
EMAIL = re.compile(rf"{ATOM}(?:\.{ATOM})*@{LABEL}(?:\.{LABEL})+")


def validate_project_folder(folder):
    # Overwriting would leave the files of an earlier choice beside the new ones, and
    # a new .env would replace the SECRET_KEY that signs existing sessions.
    if any(folder.iterdir()):
        raise ValueError(
            f"The folder {folder.name!r} already exists and holds files, which "
            "generating again would mix with new ones. Generate into another folder, "
            "or move this one away first."
        )


def validate_project_name(name):
    if not name.strip():
        raise ValueError("The project name is blank. Give a name such as 'Acme Shop'.")


def validate_one_line_text(text):
    # Free text lands in pyproject.toml inside '''...''', where TOML refuses control
    # characters, and in one-line metadata and Markdown.
    categories = {unicodedata.category(char) for char in text}
    if categories & {"Cc", "Zl", "Zp"} or "'''" in text:
        raise ValueError(
            f"{text!r} contains a line break, a tab, a control character or three "
            "single quotes in a row. Give it on one line of plain text, without '''."
        )


def check_slug_is_a_package_name(slug):
    # A Python identifier that is also a distribution name (PEP 508): no leading
    # or trailing underscore.
    if not re.fullmatch(r"[a-z](?:[a-z0-9_]*[a-z0-9])?", slug):
        raise ValueError(
            f"The project slug {slug!r} is not a valid package name. Use lower-case "
            "letters, digits and underscores, starting with a letter and ending with "
            "a letter or digit, e.g. 'acme_shop'."
        )


def check_slug_length(slug):
    # pip names files after the project (such as slug-0.1.0-0.editable-py3-none-
    # any.whl), and file names end at 255 bytes: a slug of some 225 characters
    # generated a project that could not be installed.
    if len(slug) > MAX_SLUG_LENGTH:
        raise ValueError(
            f"The project slug is {len(slug)} characters long; pip cannot install "
            f"a project whose name is longer than about 200. Give one of at most "
            f"{MAX_SLUG_LENGTH} characters."
        )


def check_slug_is_not_a_keyword(slug):
    if keyword.iskeyword(slug) or keyword.issoftkeyword(slug):
        raise ValueError(
            f"The project slug {slug!r} is a Python keyword. Choose another name, "
            f"e.g. '{slug}_project'."
        )


def check_slug_shadows_no_module(slug):
    if slug in PROJECT_MODULES or slug in sys.stdlib_module_names:
        origin = (
            "the project" if slug in PROJECT_MODULES else "Python's standard library"
        )
        raise ValueError(
            f"The project slug {slug!r} would shadow the module of the same name "
            f"from {origin}. Choose another name, e.g. '{slug}_project'."
        )


def check_slug_names_no_installed_package(slug):
    if re.sub(r"_+", "-", slug) in INSTALLED_WITH_THE_PROJECT:
        raise ValueError(
            f"The project slug {slug!r} is the name of a package the project installs, "
            f"which pip cannot install beside it. Choose another name, "
            f"e.g. '{slug}_project'."
        )


SLUG_CHECKS = (
    check_slug_is_a_package_name,
    check_slug_length,
    check_slug_is_not_a_keyword,
    check_slug_shadows_no_module,
    check_slug_names_no_installed_package,
)


def validate_project_slug(slug):
    for check in SLUG_CHECKS:
        check(slug)


def validate_author_email(email):
    # pyproject.toml always writes an email beside the author's name (leaving the key
    # out would take a template tag where TOML, read by ruff as it stands, allows
    # none), and an empty one is invalid metadata.
    if not EMAIL.fullmatch(email):
        raise ValueError(
            f"The author email {email!r} is not an address the packaging tools "
            "accept. Give one such as 'you@example.com', without spaces, quotes, "
            "commas or accents before the @."
        )


def validate_time_zone(name):
    try:
        zoneinfo.ZoneInfo(name)
    except (ValueError, zoneinfo.ZoneInfoNotFoundError):
        raise ValueError(
            f"The time zone {name!r} is unknown. Use an IANA name such as 'UTC' or "
            "'Europe/Paris'."
        ) from None


CHECKS = (
    (validate_project_folder, PROJECT_DIR),
    (validate_project_name, PROJECT_NAME),
    (validate_one_line_text, PROJECT_NAME),
    (validate_one_line_text, DESCRIPTION),
    (validate_one_line_text, AUTHOR_NAME),
    (validate_project_slug, PROJECT_SLUG),
    (validate_author_email, AUTHOR_EMAIL),
    (validate_time_zone, TIME_ZONE),
)


def main():
    errors = []
    for validate, value in CHECKS:
        try:
            validate(value)
        except ValueError as error:
            errors.append(str(error))
    for error in errors:
        print(f"ERROR: {error}", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
