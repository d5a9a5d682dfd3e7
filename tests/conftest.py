"""Fixtures that generate projects from the template, once per combination."""

import json
import os
import subprocess
import tomllib
from collections import defaultdict
from urllib.parse import urlsplit, urlunsplit

import pytest

from tests.environments import (
    BARE,
    COOKIECUTTER,
    IN_CI,
    TEMPLATE_DIR,
    Environment,
    ensure,
)

CHOICES = json.loads((TEMPLATE_DIR / "cookiecutter.json").read_text())["user_model"]
PROJECT_TEMPLATE = TEMPLATE_DIR / "{{cookiecutter.project_slug}}"
PROJECT = tomllib.loads((PROJECT_TEMPLATE / "pyproject.toml").read_text())["project"]
# What a generated project installs with pip install -e ".[dev,postgres]".
PROJECT_REQUIREMENTS = (
    *PROJECT["dependencies"],
    *PROJECT["optional-dependencies"]["dev"],
    *PROJECT["optional-dependencies"]["postgres"],
)

# The supported Django lines, each on the interpreter it is tested with.
DJANGO_LINES = {
    "5.2": Environment(
        "django-5.2", "3.11", (COOKIECUTTER, *PROJECT_REQUIREMENTS, "Django>=5.2,<5.3")
    ),
    "6.1": Environment(
        "django-6.1", "3.12", (COOKIECUTTER, *PROJECT_REQUIREMENTS, "Django>=6.1,<6.2")
    ),
}

# The migration the post-generation hook writes or keeps.
INITIAL_MIGRATION = "users/migrations/0001_initial.py"
# One test per choice, run in the worker that owns that choice's Django 5.2 project.
CHOICE_PARAMS = [
    pytest.param(choice, id=choice, marks=pytest.mark.xdist_group(f"{choice}-5.2"))
    for choice in CHOICES
]

# Variables that would leak the developer's shell into a generated project.
LEAKY_VARIABLES = {"DATABASE_URL", "DJANGO_SETTINGS_MODULE", "SECRET_KEY", "DEBUG"}


def clean_environment(**overrides):
    environment = {
        name: value for name, value in os.environ.items() if name not in LEAKY_VARIABLES
    }
    environment.update(overrides)
    environment["PYTHONDONTWRITEBYTECODE"] = "1"
    return environment


def unavailable(reason):
    """Skip on a contributor's machine; fail in CI, where everything must run."""
    if IN_CI:
        pytest.fail(f"{reason} (required in CI)")
    pytest.skip(reason)


def ready(environment):
    try:
        return ensure(environment)
    except (LookupError, subprocess.CalledProcessError) as error:
        unavailable(f"cannot build the {environment.name} environment: {error}")


def run_cookiecutter(
    environment, output_dir, *args, typed=None, template=TEMPLATE_DIR, **answers
):
    """Run cookiecutter from the environment, as a user would from a shell.

    With typed lines it answers the prompts with them; otherwise it asks nothing
    (--replay asks nothing by itself and refuses --no-input).
    """
    asks = typed is not None or "--replay" in args
    config = output_dir / "cookiecutter-config.yaml"
    config.write_text(f"replay_dir: {json.dumps(str(output_dir / 'replay'))}\n")
    command = [
        str(environment.python),
        "-m",
        "cookiecutter",
        *(() if asks else ("--no-input",)),
        "--config-file",
        str(config),
        "--output-dir",
        str(output_dir),
        *args,
        str(template),
        *(f"{name}={value}" for name, value in answers.items()),
    ]
    return subprocess.run(
        command,
        cwd=output_dir,
        input="".join(f"{line}\n" for line in typed) if typed else None,
        env=clean_environment(),
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture(scope="session")
def generate(tmp_path_factory):
    """Return a function giving the project generated for a choice and environment.

    Each (choice, environment) is generated once per test process and shared by
    every test that needs it.
    """
    projects = {}

    def project(choice, environment_name="5.2"):
        key = (choice, environment_name)
        if key not in projects:
            environment = ready(
                BARE if environment_name == "bare" else DJANGO_LINES[environment_name]
            )
            output_dir = tmp_path_factory.mktemp(f"{choice}-{environment_name}")
            result = run_cookiecutter(environment, output_dir, user_model=choice)
            assert result.returncode == 0, result.stderr
            projects[key] = output_dir / "my_project"
        return projects[key]

    return project


@pytest.fixture(scope="session")
def postgres_url():
    """The server's URL; the tests are skipped (failed in CI) when none answers."""
    url = os.environ.get("TEMPLATE_TEST_DATABASE_URL")
    if not url:
        unavailable("no PostgreSQL: set TEMPLATE_TEST_DATABASE_URL to a server's URL")
    psycopg = pytest.importorskip("psycopg")
    try:
        psycopg.connect(url, connect_timeout=5).close()
    except psycopg.OperationalError as error:
        unavailable(f"PostgreSQL at {url} does not answer: {error}")
    return url


def fresh_postgres_database(server_url, name):
    """Create an empty database of that name and return its URL."""
    import psycopg
    from psycopg import sql

    with psycopg.connect(server_url, autocommit=True) as connection:
        for statement in (
            "DROP DATABASE IF EXISTS {} WITH (FORCE)",
            "CREATE DATABASE {}",
        ):
            connection.execute(sql.SQL(statement).format(sql.Identifier(name)))
    return urlunsplit(urlsplit(server_url)._replace(path=f"/{name}"))


@pytest.fixture(scope="session")
def bare_cookiecutter():
    return ready(BARE)


def run(command, cwd, **overrides):
    """Run a command in a generated project; return its result."""
    return subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        env=clean_environment(**overrides),
        capture_output=True,
        text=True,
        check=False,
    )


# The summary table: choice x Django x database -> outcome, printed at the end.
MATRIX_OUTCOMES = defaultdict(dict)


def pytest_runtest_logreport(report):
    for name, cell in report.user_properties:
        if name == "matrix" and (report.when == "call" or report.outcome != "passed"):
            MATRIX_OUTCOMES[tuple(cell)][report.nodeid] = report.outcome


def pytest_terminal_summary(terminalreporter):
    if not MATRIX_OUTCOMES:
        return
    write = terminalreporter.write_line
    terminalreporter.section("generated projects: choice x Django x database")
    write(f"{'choice':<20} {'Django':<8} {'database':<10} result")
    for (choice, line, database), outcomes in sorted(MATRIX_OUTCOMES.items()):
        results = set(outcomes.values())
        result = next(
            (word for word in ("failed", "skipped") if word in results), "passed"
        )
        write(f"{choice:<20} {line:<8} {database:<10} {result}")
