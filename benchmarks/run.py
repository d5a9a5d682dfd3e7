"""Measure the template and the projects it generates; print tables of figures.

    python benchmarks/run.py [--runs N] [--skip-fresh-install]

Times are whole processes, measured from outside, as the median (min-max) of
--runs runs after one warm-up. Query counts come from a throwaway SQLite
database. The virtual environments are the ones the template's tests use.
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.conftest import (
    CHOICES,
    DJANGO_LINES,
    clean_environment,
    fresh_postgres_database,
)
from tests.environments import BARE, COOKIECUTTER, TEMPLATE_DIR, ensure

HOT_PATHS = Path(__file__).resolve().with_name("hot_paths.py")
TARGETS = {
    "generation with Django": 0.5,
    "generation without Django": 0.25,
    "project test suite": 3.0,
}


def target(label):
    return f"< {TARGETS[label]} s" if label in TARGETS else ""


def timed(command, cwd, **environment):
    started = time.perf_counter()
    subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        env=clean_environment(**environment),
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return time.perf_counter() - started


def repeat(runs, measure):
    """Run measure() once to warm up, then runs times; return the figures."""
    measure()
    return [measure() for _ in range(runs)]


def summary(seconds):
    return (
        f"{statistics.median(seconds):6.2f} s ({min(seconds):.2f}-{max(seconds):.2f})"
    )


def generate(environment, output_dir, choice):
    shutil.rmtree(output_dir / "my_project", ignore_errors=True)
    command = [
        environment.python,
        "-m",
        "cookiecutter",
        "--no-input",
        "--output-dir",
        output_dir,
        TEMPLATE_DIR,
        f"user_model={choice}",
    ]
    return timed(command, output_dir)


def measure_generation(runs, work_dir):
    rows = []
    environments = {
        "generation with Django": ensure(DJANGO_LINES["5.2"]),
        "generation without Django": ensure(BARE),
    }
    for choice in CHOICES:
        for label, environment in environments.items():
            output_dir = work_dir / f"{choice}-{environment.name}"
            output_dir.mkdir(exist_ok=True)
            seconds = repeat(runs, partial(generate, environment, output_dir, choice))
            rows.append((choice, label, seconds))
    return rows


def measure_floors(runs, work_dir):
    """What generation cannot go below: Cookiecutter's and makemigrations' start-up."""
    bare, django = ensure(BARE), ensure(DJANGO_LINES["5.2"])
    project = work_dir / f"abstract_user-{django.name}" / "my_project"
    floors = {
        "cookiecutter --version": (bare.python, "-m", "cookiecutter", "--version"),
        "manage.py makemigrations --dry-run": (
            django.python,
            "manage.py",
            "makemigrations",
            "--dry-run",
        ),
    }
    return [
        ("(floor)", label, repeat(runs, partial(timed, command, project)))
        for label, command in floors.items()
    ]


def measure_suites(runs, work_dir):
    rows = []
    environment = DJANGO_LINES["5.2"]
    for choice in CHOICES:
        project = work_dir / f"{choice}-{environment.name}" / "my_project"
        command = (environment.python, "-m", "pytest", "-q", "-p", "no:cacheprovider")
        seconds = repeat(runs, partial(timed, command, project))
        rows.append((choice, "project test suite", seconds))
    return rows


def measure_hot_paths(work_dir, database_url=None):
    environment = DJANGO_LINES["5.2"]
    figures = {}
    for choice in CHOICES:
        project = work_dir / f"{choice}-{environment.name}" / "my_project"
        database = (
            [fresh_postgres_database(database_url, f"benchmark_{choice}")]
            if database_url
            else []
        )
        result = subprocess.run(
            [environment.python, HOT_PATHS, project, *database],
            cwd=project,
            env=clean_environment(),
            capture_output=True,
            text=True,
            check=True,
        )
        figures[choice] = json.loads(result.stdout)
    return figures


def measure_fresh_install(work_dir):
    """From an empty virtualenv to a green suite, as the READMEs tell a newcomer."""
    python = ensure(BARE).python.resolve()
    steps = {}
    tool_venv = work_dir / "fresh" / "cookiecutter-venv"
    bin_dir = "Scripts" if os.name == "nt" else "bin"
    steps["install cookiecutter"] = timed(
        (python, "-m", "venv", tool_venv), work_dir
    ) + timed((tool_venv / bin_dir / "pip", "install", "-q", COOKIECUTTER), work_dir)
    steps["generate"] = timed(
        (tool_venv / bin_dir / "cookiecutter", "--no-input", TEMPLATE_DIR),
        tool_venv.parent,
    )
    project = tool_venv.parent / "my_project"
    venv = project / ".venv"
    steps["install the project"] = timed((python, "-m", "venv", venv), project) + timed(
        (venv / bin_dir / "pip", "install", "-q", "-e", ".[dev]"), project
    )
    steps["migrate"] = timed(
        (venv / bin_dir / "python", "manage.py", "migrate"), project
    )
    steps["run its tests"] = timed((venv / bin_dir / "python", "-m", "pytest"), project)
    return steps


def print_table(title, header, rows):
    print(f"\n{title}")
    widths = [
        max(len(str(row[i])) for row in (header, *rows)) for i in range(len(header))
    ]
    for row in (header, ["-" * width for width in widths], *rows):
        print(
            "  ".join(
                str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)
            )
        )


def print_hot_paths(database, hot_paths):
    print_table(
        f"Queries ({database})",
        ("measure", *CHOICES),
        [
            (label, *(hot_paths[choice].get(key, "-") for choice in CHOICES))
            for label, key in (
                ("log in (authenticate)", "login_queries"),
                ("load the user from the session", "load_user_queries"),
                ("... and read its extra fields", "load_user_and_fields_queries"),
                ("admin user list, 10 users", "admin_list_10_queries"),
                ("admin user list, 100 users", "admin_list_100_queries"),
                ("ensure_profiles, 10,000 users", "ensure_profiles_10000_queries"),
                ("ensure_profiles, 10,000 users (s)", "ensure_profiles_10000_seconds"),
            )
        ],
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--skip-fresh-install", action="store_true")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        work_dir = Path(work)
        timings = measure_generation(options.runs, work_dir)
        timings += measure_floors(options.runs, work_dir)
        timings += measure_suites(options.runs, work_dir)
        print_table(
            f"Seconds, median (min-max) of {options.runs} runs",
            ("choice", "measure", "seconds", "target"),
            [
                (choice, label, summary(seconds), target(label))
                for choice, label, seconds in sorted(timings)
            ],
        )
        databases = {"SQLite": None}
        if os.environ.get("TEMPLATE_TEST_DATABASE_URL"):
            databases["PostgreSQL"] = os.environ["TEMPLATE_TEST_DATABASE_URL"]
        for database, url in databases.items():
            print_hot_paths(database, measure_hot_paths(work_dir, url))
        if not options.skip_fresh_install:
            steps = measure_fresh_install(work_dir)
            print_table(
                "From an empty virtualenv to a green test suite (one run, seconds)",
                ("step", "seconds"),
                [
                    *((step, f"{seconds:.1f}") for step, seconds in steps.items()),
                    ("total", f"{sum(steps.values()):.1f}"),
                ],
            )


if __name__ == "__main__":
    main()
