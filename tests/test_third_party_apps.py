"""A generated project stays correct once django-allauth and DRF are added to it."""

import shutil
from pathlib import Path

import pytest

from tests.conftest import CHOICE_PARAMS, DJANGO_LINES, ready, run
from tests.environments import Environment

# Settings, URLs, an API view and the checks, copied into the project as the
# package third_party; third_party/checks.py says what is checked there.
THIRD_PARTY = Path(__file__).with_name("third_party")
APPS = Environment(
    "django-5.2-apps",
    "3.11",
    (
        *DJANGO_LINES["5.2"].requirements,
        # The first releases with ACCOUNT_LOGIN_METHODS and ACCOUNT_SIGNUP_FIELDS,
        # and with Django 5.2 support.
        "django-allauth>=65.5",
        "djangorestframework>=3.16",
    ),
)
# allauth's login page takes over accounts/login/ from Django's, with other field
# names, and the profile project's backend gives way to one that also does
# allauth's work: the project's tests of those two no longer apply.
REPLACED_BY_ALLAUTH = "not login_page and not login_goes_through_the_profile_backend"


@pytest.mark.parametrize("choice", CHOICE_PARAMS)
def test_allauth_and_rest_framework_work_with_the_user_model(
    generate, tmp_path, choice
):
    """
    allauth signs people up and logs them in, DRF hands out and accepts tokens,
    and the project's checks, migrations and own tests still pass.
    """
    python = ready(APPS).python
    project = shutil.copytree(generate(choice, "5.2"), tmp_path / "p")
    (project / "db.sqlite3").unlink(missing_ok=True)
    shutil.copytree(
        THIRD_PARTY,
        project / "third_party",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    environment = {
        "DJANGO_SETTINGS_MODULE": "third_party.settings",
        "USER_MODEL": choice,
    }
    for command in (
        ("manage.py", "check", "--fail-level", "WARNING"),
        ("manage.py", "makemigrations", "--check", "--dry-run"),
        ("manage.py", "migrate", "--no-input"),
        ("-m", "pytest", "-q", "-p", "no:cacheprovider", "third_party/checks.py"),
        ("-m", "pytest", "-q", "-p", "no:cacheprovider", "-k", REPLACED_BY_ALLAUTH),
    ):
        result = run((python, *command), project, **environment)
        assert result.returncode == 0, (
            f"{' '.join(command)} failed:\n{result.stdout}\n{result.stderr}"
        )
