import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

PROJECT_DIR = Path(__file__).resolve().parents[2]


@pytest.fixture
def new_app(tmp_path):
    """Return the folder of an app made by startapp, beside a copy of the settings."""
    # A name no project's own app takes: startapp refuses one that is importable.
    app = tmp_path / "startapp_example"
    app.mkdir()
    call_command("startapp", "startapp_example", str(app))
    # The project's linter settings, read as they are for an app in the project.
    (tmp_path / "pyproject.toml").write_bytes(
        (PROJECT_DIR / "pyproject.toml").read_bytes()
    )
    return app


def test_startapp_writes_the_usual_files(new_app):
    """A new app has Django's files, its AppConfig named after it."""
    files = {path.relative_to(new_app).as_posix() for path in new_app.rglob("*.py")}
    assert files == {
        "__init__.py",
        "admin.py",
        "apps.py",
        "migrations/__init__.py",
        "models.py",
        "tests.py",
        "views.py",
    }
    apps = (new_app / "apps.py").read_text()
    assert "class StartappExampleConfig(AppConfig):" in apps
    assert 'name = "startapp_example"' in apps


@pytest.mark.parametrize(
    "command", [("check",), ("format", "--check")], ids=["check", "format"]
)
def test_startapp_writes_an_app_the_linters_accept(new_app, command):
    """ruff check and ruff format --check pass on a new app as startapp wrote it."""
    result = subprocess.run(
        [sys.executable, "-m", "ruff", *command, "--no-cache", new_app.name],
        cwd=new_app.parent,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
