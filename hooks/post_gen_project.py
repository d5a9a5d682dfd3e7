"""Finish the generated project: keep one user model, write .env and the first migration."""

import importlib.metadata
import importlib.util
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

USER_MODEL = json.loads(r""" {{ cookiecutter.user_model | tojson }} """)
PROJECT_DIR = Path.cwd()

# Each user-model choice is a folder of whole files, laid out as in the project,
# under _user_models/; a folder named for several choices joined by "+" holds what
# they share. Those names are the only table of what each choice keeps: the folders
# naming the chosen one are moved into place, the others deleted with their parent.
# That holds the choice's docs/ too, and <choice>.md beside each folder, the part of
# README.md about the user model, which README.md includes as it is rendered.
CHOICES_DIR = PROJECT_DIR / "_user_models"
INITIAL_MIGRATION = Path("users", "migrations", "0001_initial.py")
MINIMUM_DJANGO = (5, 2)
# What config/settings.py imports or names in INSTALLED_APPS and MIDDLEWARE, and
# what the apps import as they load (the admin imports the user forms):
# makemigrations loads them all, so every one must be importable.
PACKAGES_THE_PROJECT_LOADS = (
    "django",
    "environ",
    "axes",
    "django_otp",
    "django_tasks_db",
    "django_tasks",
    "whitenoise",
    "confusable_homoglyphs",
    "idna",
)


def keep_chosen_user_model():
    if not (CHOICES_DIR / USER_MODEL).is_dir():
        raise ValueError(f"there is no user model named {USER_MODEL!r}")
    kept = (
        path for path in CHOICES_DIR.iterdir() if USER_MODEL in path.name.split("+")
    )
    for folder in sorted(kept):
        for source in sorted(path for path in folder.rglob("*") if path.is_file()):
            target = PROJECT_DIR / source.relative_to(folder)
            if target.exists():
                raise FileExistsError(f"{target} is both shared and in {folder.name}")
            target.parent.mkdir(parents=True, exist_ok=True)
            source.replace(target)
    shutil.rmtree(CHOICES_DIR)


def write_env_file():
    """Write .env from the settings of .env.example, with a fresh SECRET_KEY."""
    example = (PROJECT_DIR / ".env.example").read_text(encoding="utf-8")
    # The example's opening comment tells how to make this file; drop it.
    _, settings = example.split("\n\n", 1)
    # token_urlsafe never starts with "$", which django-environ would misread.
    secret_key = secrets.token_urlsafe(50)
    lines = [
        "# Settings for this machine only: git ignores this file. See .env.example.",
        "",
        *(
            f"SECRET_KEY={secret_key}" if line == "SECRET_KEY=" else line
            for line in settings.splitlines()
        ),
    ]
    env_file = PROJECT_DIR / ".env"
    env_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    env_file.chmod(0o600)


def project_can_run():
    """Tell whether this interpreter can run the project's manage.py."""
    if not all(map(importlib.util.find_spec, PACKAGES_THE_PROJECT_LOADS)):
        return False
    # The installed version, read without the cost of importing Django; a
    # pre-release such as 6.2a1 counts as its line.
    version = re.match(r"(\d+)\.(\d+)", importlib.metadata.version("django"))
    return tuple(map(int, version.groups())) >= MINIMUM_DJANGO


def write_initial_migration():
    """Let Django write 0001_initial.py, or keep the copy shipped with the choice."""
    if not project_can_run():
        return
    (PROJECT_DIR / INITIAL_MIGRATION).unlink()
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        # makemigrations opens the database to check its history; an in-memory
        # one leaves no file behind.
        "DATABASE_URL": "sqlite://:memory:",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "makemigrations", "users", "--no-input"],
        cwd=PROJECT_DIR,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0 or not (PROJECT_DIR / INITIAL_MIGRATION).is_file():
        raise RuntimeError(result.stderr.strip() or result.stdout.strip())


def print_next_steps():
    if os.name == "nt":
        create_venv = r"py -m venv .venv && .venv\Scripts\activate"
    else:
        create_venv = "python3 -m venv .venv && . .venv/bin/activate"
    print(
        f"\nCreated {PROJECT_DIR.name} with the {USER_MODEL} user model. Next:\n\n"
        f"    cd {PROJECT_DIR.name}\n"
        f"    {create_venv}\n"
        '    pip install -e ".[dev]"\n'
        "    python manage.py migrate && python manage.py runserver\n\n"
        "Run the tests with: python -m pytest\n"
    )


STEPS = (
    ("keep the chosen user model", keep_chosen_user_model),
    ("write .env", write_env_file),
    ("write the initial migration", write_initial_migration),
    ("print the next steps", print_next_steps),
)


def main():
    for description, step in STEPS:
        try:
            step()
        except Exception as error:  # noqa: BLE001 - any failure must stop generation
            print(f"ERROR: Could not {description}: {error}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
