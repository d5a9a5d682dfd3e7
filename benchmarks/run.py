"""Measure the template and the projects it generates; print tables of figures.

    python benchmarks/run.py [--runs N] [--skip-fresh-install] [--template-suite]

Times are whole processes, measured from outside, as the median (min-max) of
--runs runs after one warm-up. Query counts come from a throwaway SQLite
database. Generation uses the virtual environments the template's tests use; each
generated suite runs in the project's own environment, as a developer has it.
The first table gives every target with the figure measured for it in this run.
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

from common import (
    BARE,
    CHOICES,
    DJANGO_LINES,
    TEMPLATE_DIR,
    clean_environment,
    ensure,
    find_python,
    find_uv,
    fresh_postgres_database,
    generation_command,
)

HOT_PATHS = Path(__file__).resolve().with_name("hot_paths.py")
# Generation before the speed work, the mean of the three choices: it must stay no
# slower. Its ratio to one `cookiecutter --version` process is printed beside it.
GENERATION_SECONDS = {"generation without Django": 0.51, "generation with Django": 0.94}
# The same limits over the 0.20 s one `cookiecutter --version` took on the machine
# that measured them: on a slower or busier machine the ratio is what compares.
GENERATION_RATIO = {"generation without Django": 2.5, "generation with Django": 4.7}
SUITE_SECONDS, SUITE_RATIO = 1.0, 1.5
FRESH_CLONE_SECONDS = {"uv": 5.0, "pip": 20.0}
TEMPLATE_SUITE_SECONDS = 180.0
SUPPORTED_PYTHON = "3.11"


def developer_environment(**environment):
    """A shell's environment: Python writes its bytecode, as on a developer's machine."""
    environment = clean_environment(**environment)
    environment.pop("PYTHONDONTWRITEBYTECODE")
    return environment


def timed(command, cwd, *, writes_bytecode=False, **environment):
    started = time.perf_counter()
    subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        env=(developer_environment if writes_bytecode else clean_environment)(
            **environment
        ),
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
    return timed(generation_command(environment, output_dir, choice), output_dir)


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


def uv_command():
    uv = find_uv()
    if uv is None:
        sys.exit("uv is needed: pip install -r requirements-dev.txt")
    return uv


def measure_suites(runs, work_dir):
    """Each choice's suite and its collection alone, in turn, in the project's .venv."""
    uv = uv_command()
    python = find_python(SUPPORTED_PYTHON)
    rows = []
    for choice in CHOICES:
        source = work_dir / f"{choice}-{DJANGO_LINES['5.2'].name}" / "my_project"
        project = shutil.copytree(source, work_dir / f"suite-{choice}")
        venv = project / ".venv"
        timed((uv, "venv", "-q", "--python", python, venv), project)
        timed(
            (
                uv,
                "pip",
                "install",
                "-q",
                "--python",
                venv / "bin" / "python",
                "-e",
                ".[dev]",
            ),
            project,
        )
        pytest = (venv / "bin" / "python", "-m", "pytest", "-q")
        suite = partial(timed, pytest, project, writes_bytecode=True)
        collection = partial(timed, (*pytest, "--co"), project, writes_bytecode=True)
        suite(), collection()
        pairs = [(suite(), collection()) for _ in range(runs)]
        rows.append((choice, [a for a, _ in pairs], [b for _, b in pairs]))
    return rows


def fresh_clone(work_dir, name, source):
    """A clone of the generated project: its files without the git-ignored .env."""
    clone = work_dir / name
    shutil.rmtree(clone, ignore_errors=True)
    shutil.copytree(source, clone, ignore=shutil.ignore_patterns(".env", ".venv"))
    # What the README's first block does in a fresh clone: write .env.
    (clone / ".env").write_text(
        (clone / ".env.example")
        .read_text()
        .replace("SECRET_KEY=\n", "SECRET_KEY=" + "k3y-" * 13 + "\n")
    )
    return clone


def measure_fresh_clones(work_dir):
    """From a fresh clone to a green suite, with uv and with pip; the cache warmed first."""
    uv = uv_command()
    python = find_python(SUPPORTED_PYTHON)
    source = work_dir / f"abstract_user-{DJANGO_LINES['5.2'].name}" / "my_project"
    venv_python = Path(".venv") / "bin" / "python"
    paths = {
        "uv": (
            (uv, "sync", "-q", "--extra", "dev"),
            (uv, "run", "python", "manage.py", "migrate", "-v", "0"),
            (uv, "run", "python", "-m", "pytest", "-q"),
        ),
        "pip": (
            (python, "-m", "venv", ".venv"),
            (venv_python, "-m", "pip", "install", "-q", "-e", ".[dev]"),
            (venv_python, "manage.py", "migrate", "-v", "0"),
            (venv_python, "-m", "pytest", "-q"),
        ),
    }
    figures = {}
    for installer, steps in paths.items():
        # The first pass fills the caches; the second is the figure.
        for _pass in ("warm-up", "measured"):
            clone = fresh_clone(work_dir, f"clone-{installer}", source)
            seconds = sum(
                timed(
                    step,
                    clone,
                    writes_bytecode=True,
                    UV_PYTHON=python,
                    UV_PYTHON_DOWNLOADS="never",
                )
                for step in steps
            )
        figures[installer] = seconds
    return figures


def measure_template_suite(work_dir):
    """The template's own suite in a fresh clone, its environments built from scratch."""
    clone = work_dir / "template-clone"
    subprocess.run(["git", "clone", "-q", str(TEMPLATE_DIR), str(clone)], check=True)
    return timed(
        (sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"),
        clone,
        TEMPLATE_TEST_VENVS=str(work_dir / "template-venvs"),
    )


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


def verdict(holds):
    return "holds" if holds else "MISSED"


def target_rows(generation, floors, suites, fresh, template_suite):
    """One row per target of the speed work: the figure, the target, and the verdict."""
    rows = []
    version = statistics.median(floors["cookiecutter --version"])
    for label, limit in GENERATION_SECONDS.items():
        mean = statistics.mean(
            statistics.median(seconds)
            for _, measure, seconds in generation
            if measure == label
        )
        rows.append(
            (
                f"{label}, mean of the choices",
                f"{mean:.2f} s, {mean / version:.1f}x cookiecutter --version",
                f"<= {limit} s or <= {GENERATION_RATIO[label]}x",
                verdict(mean <= limit or mean / version <= GENERATION_RATIO[label]),
            )
        )
    for choice, suite, collection in suites:
        wall, bare = statistics.median(suite), statistics.median(collection)
        rows.append(
            (
                f"{choice} python -m pytest (SQLite)",
                f"{wall:.2f} s, {wall / bare:.2f}x pytest --co ({bare:.2f} s)",
                f"< {SUITE_SECONDS} s or <= {SUITE_RATIO}x",
                verdict(wall < SUITE_SECONDS or wall / bare <= SUITE_RATIO),
            )
        )
    for installer, limit in FRESH_CLONE_SECONDS.items():
        if installer in fresh:
            rows.append(
                (
                    f"fresh clone to green tests, {installer}",
                    f"{fresh[installer]:.1f} s",
                    f"<= {limit} s",
                    verdict(fresh[installer] <= limit),
                )
            )
    if template_suite is not None:
        rows.append(
            (
                "template suite in a fresh clone",
                f"{template_suite:.0f} s",
                f"<= {TEMPLATE_SUITE_SECONDS:.0f} s",
                verdict(template_suite <= TEMPLATE_SUITE_SECONDS),
            )
        )
    return rows


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
    parser.add_argument(
        "--template-suite",
        action="store_true",
        help="also time the template's own tests in a fresh clone (minutes)",
    )
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        work_dir = Path(work)
        generation = measure_generation(options.runs, work_dir)
        floors = measure_floors(options.runs, work_dir)
        suites = measure_suites(options.runs, work_dir)
        fresh = {} if options.skip_fresh_install else measure_fresh_clones(work_dir)
        template_suite = (
            measure_template_suite(work_dir) if options.template_suite else None
        )
        print_table(
            f"Targets (times: median of {options.runs} runs; fresh clones: one run "
            "after a warm-up)",
            ("where a person waits", "measured", "target", ""),
            target_rows(
                generation,
                {label: seconds for _, label, seconds in floors},
                suites,
                fresh,
                template_suite,
            ),
        )
        print_table(
            f"Seconds, median (min-max) of {options.runs} runs",
            ("choice", "measure", "seconds"),
            [
                (choice, label, summary(seconds))
                for choice, label, seconds in sorted(
                    [
                        *generation,
                        *floors,
                        *(
                            (choice, label, seconds)
                            for choice, suite, collection in suites
                            for label, seconds in (
                                ("project test suite", suite),
                                ("pytest --co alone", collection),
                            )
                        ),
                    ]
                )
            ],
        )
        databases = {"SQLite": None}
        if os.environ.get("TEMPLATE_TEST_DATABASE_URL"):
            databases["PostgreSQL"] = os.environ["TEMPLATE_TEST_DATABASE_URL"]
        for database, url in databases.items():
            print_hot_paths(database, measure_hot_paths(work_dir, url))


if __name__ == "__main__":
    main()
