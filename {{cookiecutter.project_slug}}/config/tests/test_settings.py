import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

import config.settings
from config.settings import read_bool, read_secret

PROJECT_DIR = Path(__file__).resolve().parents[2]


def test_secret_starting_with_dollar_is_read_verbatim(monkeypatch):
    """A key that starts with "$" is kept, not taken for another variable's name."""
    monkeypatch.setenv("SOME_SECRET", "$abc$def")
    assert read_secret("SOME_SECRET") == "$abc$def"


def test_missing_secret_says_where_to_set_it(monkeypatch):
    monkeypatch.delenv("SOME_SECRET", raising=False)
    with pytest.raises(ImproperlyConfigured, match=r"SOME_SECRET is not set\. .*\.env"):
        read_secret("SOME_SECRET")


@pytest.mark.parametrize(
    ("value", "expected"),
    [("True", True), (" yes ", True), ("1", True), ("False", False), ("off", False)],
)
def test_booleans_accept_the_usual_words(monkeypatch, value, expected):
    monkeypatch.setenv("SOME_SWITCH", value)
    assert read_bool("SOME_SWITCH", default=not expected) is expected


def test_boolean_falls_back_to_its_default(monkeypatch):
    monkeypatch.delenv("SOME_SWITCH", raising=False)
    assert read_bool("SOME_SWITCH", default=True) is True


def test_boolean_with_an_inline_comment_is_refused(monkeypatch):
    """A comment after the value would otherwise switch DEBUG off without a word."""
    monkeypatch.setenv("SOME_SWITCH", "True  # local only")
    with pytest.raises(ImproperlyConfigured, match="neither true nor false"):
        read_bool("SOME_SWITCH", default=False)


def run_manage(*args, cwd=PROJECT_DIR, **overrides):
    """Run manage.py in a fresh process; an override of None unsets the variable."""
    environment = {**os.environ, **overrides}
    result = subprocess.run(
        [sys.executable, str(PROJECT_DIR / "manage.py"), *args],
        cwd=cwd,
        env={name: value for name, value in environment.items() if value is not None},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_default_database_does_not_depend_on_the_working_directory(tmp_path):
    """manage.py opens the project's SQLite file from any folder."""
    code = "from django.db import connection; print(connection.settings_dict['NAME'])"
    name = run_manage(
        "shell", "-v", "0", "-c", code, cwd=tmp_path, DATABASE_URL=None
    ).strip()
    if not name.endswith(".sqlite3"):
        pytest.skip(f"the .env file chooses another database: {name}")
    assert Path(name) == PROJECT_DIR / "db.sqlite3"


def test_production_settings_keep_the_default_password_hasher():
    """Only the tests swap in the fast, weak hasher."""
    assert not hasattr(config.settings, "PASSWORD_HASHERS")
    assert len(config.settings.AUTH_PASSWORD_VALIDATORS) == 4


def test_deploy_check_passes_with_production_environment():
    run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="False",
        SECRET_KEY="kq3-5nVx0yq8rZ_t1Wm9cLp2Hf7sJd4Ge6Bu0Ao5Ni8Rk2Ty7Xv1Qz3Lw9Pm4Hs",
        ALLOWED_HOSTS="example.com",
    )


def test_email_url_configures_the_smtp_mailer():
    """EMAIL_URL reaches the mail backend on both Django lines."""
    code = (
        "import django; from django.core import mail; "
        "backend = mail.mailers['default'] if django.VERSION >= (6, 1) "
        "else mail.get_connection(); "
        "print(type(backend).__module__, backend.host, backend.port, "
        "backend.username, backend.password, backend.use_tls)"
    )
    output = run_manage(
        "shell",
        "-v",
        "0",
        "-c",
        code,
        EMAIL_URL="smtp+tls://mailer:s%40cret@smtp.example.com:587",
    )
    assert output.split() == [
        "django.core.mail.backends.smtp",
        "smtp.example.com",
        "587",
        "mailer",
        "s@cret",
        "True",
    ]
