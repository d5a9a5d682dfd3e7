"""A generated project stays correct once the apps a team usually adds next are added."""

import shutil
from pathlib import Path

import pytest

from tests.conftest import DJANGO_LINES, ready, run
from tests.environments import Environment
from tests.test_matrix import combinations_in_turn

# Settings, URLs, the recipes' modules and the checks, copied into the project as
# the package third_party; third_party/checks.py says what is checked there.
THIRD_PARTY = Path(__file__).with_name("third_party")
APPS = (
    # The first releases with ACCOUNT_LOGIN_METHODS and ACCOUNT_SIGNUP_FIELDS,
    # and with Django 5.2 support.
    "django-allauth>=65.5",
    "djangorestframework>=3.16",
    # Its registration needs allauth's social accounts.
    "dj-rest-auth[with-social]>=7",
    "django-impersonate>=1.9",
    "wagtail>=7",
    "django-guardian>=3",
)
APPS_ENVIRONMENTS = {
    line: Environment(
        f"django-{line}-apps",
        environment.python_version,
        (*environment.requirements, *APPS),
    )
    for line, environment in DJANGO_LINES.items()
}
# allauth's pages take over accounts/login/, signup/ and logout/ from the project's
# own, with other field names, and the profile project's backend gives way to one
# that also does allauth's work: the project's tests of those no longer apply,
# throttling and the second factor through the login page included (checks.py shows
# that a log-in through allauth still owes its code). The production settings test loads
# config.settings, which lacks the added apps.
REPLACED_BY_THE_APPS = (
    "not login_page and not login_goes_through_the_profile_backend"
    " and not production_settings_pass_the_deployment_checks"
    " and not sign_up and not signing_up and not logout"
    " and not carry_the_sites_name_and_look"
)
PAGES_REPLACED_BY_THE_APPS = (
    "--ignore=users/tests/test_throttling.py",
    "--ignore=users/tests/test_accounts.py",
    "--ignore=users/tests/test_second_factor.py",
)


def add_the_apps(project):
    """Copy the settings, URLs and recipes in."""
    (project / "db.sqlite3").unlink(missing_ok=True)
    shutil.copytree(
        THIRD_PARTY,
        project / "third_party",
        ignore=shutil.ignore_patterns("__pycache__"),
    )


# Half a minute of work each: every choice, each on one Django line a run, in
# turn (both lines covered every run).
@pytest.mark.parametrize(("choice", "line"), combinations_in_turn())
def test_the_usual_apps_work_with_the_user_model(generate, tmp_path, choice, line):
    """
    allauth, DRF, dj-rest-auth, django-impersonate, Wagtail, django-guardian and
    pytest-django's admin fixtures work with the README's recipes, and the
    project's checks, migrations and own tests still pass.
    """
    python = ready(APPS_ENVIRONMENTS[line]).python
    project = shutil.copytree(generate(choice, line), tmp_path / "p")
    add_the_apps(project)
    environment = {
        "DJANGO_SETTINGS_MODULE": "third_party.settings",
        "USER_MODEL": choice,
    }
    pytest_ = ("-m", "pytest", "-q", "-p", "no:cacheprovider", "--reuse-db")
    for command, extra in (
        # The project's own tests first, without guardian's anonymous user: they
        # count users. The first run builds the test database by applying every
        # migration, the apps' own included, so a separate `migrate` would prove
        # nothing more; the second reuses it, and its migrate adds the anonymous
        # user. checks.py also runs `check` and `makemigrations --check`.
        (
            (*pytest_, "-k", REPLACED_BY_THE_APPS, *PAGES_REPLACED_BY_THE_APPS),
            {"WITHOUT_ANONYMOUS_USER": "1"},
        ),
        ((*pytest_, "third_party/checks.py"), {}),
    ):
        result = run((python, *command), project, **environment, **extra)
        assert result.returncode == 0, (
            f"{' '.join(command)} failed:\n{result.stdout}\n{result.stderr}"
        )
