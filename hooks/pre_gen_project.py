"""Refuse answers that would generate a broken project, before any file is written."""

import json
import keyword
import re
import sys
import zoneinfo

PROJECT_NAME = json.loads(r""" {{ cookiecutter.project_name | tojson }} """)
PROJECT_SLUG = json.loads(r""" {{ cookiecutter.project_slug | tojson }} """)
DESCRIPTION = json.loads(r""" {{ cookiecutter.description | tojson }} """)
AUTHOR_NAME = json.loads(r""" {{ cookiecutter.author_name | tojson }} """)
AUTHOR_EMAIL = json.loads(r""" {{ cookiecutter.author_email | tojson }} """)
TIME_ZONE = json.loads(r""" {{ cookiecutter.time_zone | tojson }} """)

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
}


def validate_project_name(name):
    if not name.strip():
        raise ValueError("The project name is blank. Give a name such as 'Acme Shop'.")


def validate_one_line_text(text):
    # Free text lands in pyproject.toml inside '''...''' and in one-line Markdown.
    if "'''" in text or any(char in text for char in "\r\n\t\x00"):
        raise ValueError(
            f"{text!r} contains a line break, a tab or three single quotes in a row. "
            "Give it on one line, without '''."
        )


def validate_project_slug(slug):
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", slug):
        raise ValueError(
            f"The project slug {slug!r} is not a valid Python identifier. Use lower-case "
            "letters, digits and underscores, starting with a letter, e.g. 'acme_shop'."
        )
    if keyword.iskeyword(slug) or keyword.issoftkeyword(slug):
        raise ValueError(
            f"The project slug {slug!r} is a Python keyword. Choose another name, "
            f"e.g. '{slug}_project'."
        )
    if slug in PROJECT_MODULES or slug in sys.stdlib_module_names:
        origin = (
            "the project" if slug in PROJECT_MODULES else "Python's standard library"
        )
        raise ValueError(
            f"The project slug {slug!r} would shadow the module of the same name "
            f"from {origin}. Choose another name, e.g. '{slug}_project'."
        )


def validate_author_email(email):
    if email and not re.fullmatch(r"[^@\s\"'\\]+@[^@\s\"'\\]+\.[^@\s\"'\\.]+", email):
        raise ValueError(
            f"The author email {email!r} is not an email address. Give one such as "
            "'you@example.com', or leave it empty."
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
