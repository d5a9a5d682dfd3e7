"""A team's first week with a generated project: new apps, their tests, a fresh clone."""

import shutil

import pytest

from tests.conftest import DJANGO_LINES, run
from tests.test_matrix import combination_params

COMBINATIONS = list(combination_params(with_databases=False))
FAILING_TEST = "def test_orders_add_up():\n    assert 1 + 1 == 3\n"


def clone(generate, choice, line, tmp_path):
    """The project as a fresh clone holds it: no .env, no database."""
    return shutil.copytree(
        generate(choice, line),
        tmp_path / "clone",
        ignore=shutil.ignore_patterns(".env", "db.sqlite3"),
    )


@pytest.mark.parametrize(("choice", "line"), COMBINATIONS)
def test_tests_are_collected_where_django_puts_them(generate, tmp_path, choice, line):
    """A new app's tests.py and a tests/ package's modules both run under pytest."""
    project = shutil.copytree(generate(choice, line), tmp_path / "project")
    python = DJANGO_LINES[line].python
    for app in ("orders", "invoices"):
        result = run((python, "manage.py", "startapp", app), project)
        assert result.returncode == 0, result.stderr
    (project / "orders" / "tests.py").write_text(FAILING_TEST)
    package = project / "invoices" / "tests"
    package.mkdir()
    (project / "invoices" / "tests.py").unlink()
    (package / "__init__.py").write_text("")
    (package / "test_totals.py").write_text(FAILING_TEST)
    # Folders, not files: pytest collects a file it is given by name whatever
    # its name, and a folder's files by python_files.
    pytest_ = (python, "-m", "pytest", "-q", "-p", "no:cacheprovider")
    result = run((*pytest_, "orders", "invoices"), project)
    assert result.returncode == 1, result.stdout[-3000:] + result.stderr
    failed = {
        row.split(" - ")[0]
        for row in result.stdout.splitlines()
        if row.startswith("FAILED ")
    }
    assert failed == {
        "FAILED orders/tests.py::test_orders_add_up",
        "FAILED invoices/tests/test_totals.py::test_orders_add_up",
    }


@pytest.mark.parametrize(("choice", "line"), COMBINATIONS)
def test_pytest_without_dot_env_says_so_in_one_line(generate, tmp_path, choice, line):
    """In a fresh clone, pytest ends with manage.py's one line, not a traceback."""
    project = clone(generate, choice, line, tmp_path)
    result = run(
        (DJANGO_LINES[line].python, "-m", "pytest", "-q", "-p", "no:cacheprovider"),
        project,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "Traceback" not in output
    assert output.strip().splitlines()[-1] == (
        "Error: SECRET_KEY is not set. For local development, create .env from "
        ".env.example as README.md shows; on a server, set it in the environment."
    )
