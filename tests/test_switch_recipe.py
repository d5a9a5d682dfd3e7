"""The recipe for switching to a custom user model, followed on a migrated project."""

import json
import os
import re
import shutil

import pytest

from tests.conftest import DJANGO_LINES, fresh_postgres_database, run
from tests.environments import TEMPLATE_DIR

RECIPE = (TEMPLATE_DIR / "docs" / "switching-to-a-custom-user-model.md").read_text()
FENCED = re.findall(r"^```([a-z]*)\n(.*?)^```$", RECIPE, flags=re.MULTILINE | re.DOTALL)
CODE_BLOCKS = [code for _, code in FENCED]
# The shell commands the recipe gives, one a line.
COMMANDS = [
    line
    for language, code in FENCED
    if language == "bash"
    for line in code.splitlines()
]

# Run with python -c in the project, before the switch: users with passwords, a
# group, a permission, a profile, an admin log entry and a logged-in session.
SEED = """
import json

import django

django.setup()

from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

User = get_user_model()
ada = User.objects.create_superuser("ada", "ada@example.com", "ada's old password")
grace = User.objects.create_user(
    "grace", "grace@example.com", "grace's old password", is_staff=True
)
editors = Group.objects.create(name="Editors")
editors.permissions.add(Permission.objects.get(codename="change_user"))
grace.groups.add(editors)
grace.user_permissions.add(Permission.objects.get(codename="view_user"))
grace.profile.phone_number = "+44 20 7946 0000"
grace.profile.save()
LogEntry.objects.log_actions(ada.pk, [grace], CHANGE, "Changed phone number.")
client = Client()
client.force_login(grace)
# The admin asks staff for a second factor: the session was verified with an app.
device = TOTPDevice.objects.create(user=grace, name="Authenticator app")
session = client.session
session[DEVICE_ID_SESSION_KEY] = device.persistent_id
session.save()
print(json.dumps({
    "rows": list(User.objects.order_by("pk").values_list("pk", "username", "password")),
    "session": client.cookies["sessionid"].value,
}))
"""

# Run with python -c in the project after each part of the recipe, with the
# session key and the name of a user to create as arguments.
INSPECT = """
import json
import sys

import django

django.setup()

from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.auth import authenticate, get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import Client

session, newcomer_name = sys.argv[1:]
User = get_user_model()
rows = list(
    User.objects.filter(username__in=["ada", "grace"])
    .order_by("pk")
    .values_list("pk", "username", "password")
)
grace = authenticate(username="grace", password="grace's old password")
entry = LogEntry.objects.get()
newcomer = User.objects.create_user(newcomer_name, password="a brand new password")
client = Client(SERVER_NAME="localhost")
client.cookies["sessionid"] = session
history = client.get(f"/admin/users/user/{grace.pk}/history/")
with connection.cursor() as cursor:
    columns = connection.introspection.get_table_description(
        cursor, User._meta.db_table
    )
key = next(column for column in columns if column.name == "id")
print(json.dumps({
    "AUTH_USER_MODEL": settings.AUTH_USER_MODEL,
    "model": User._meta.label,
    "rows": rows,
    "ada": authenticate(username="ada", password="ada's old password").username,
    "groups": [group.name for group in grace.groups.all()],
    "permissions": sorted(grace.get_all_permissions()),
    "phone number": grace.profile.phone_number,
    "log entry": [
        entry.user.username,
        str(entry.get_edited_object()),
        entry.content_type == ContentType.objects.get_for_model(User),
    ],
    "newcomer": [
        newcomer.profile.pk is not None,
        authenticate(username=newcomer_name, password="a brand new password")
        == newcomer,
    ],
    "admin list": client.get("/admin/users/user/").status_code,
    "admin history": [
        history.status_code,
        "Changed phone number." in history.content.decode(),
    ],
    "tables": sorted(
        name for name in connection.introspection.table_names() if "user" in name
    ),
    "key": [
        User._meta.pk.get_internal_type(),
        connection.introspection.get_field_type(key.type_code, key),
    ],
}))
"""


def code_block(containing):
    """Return the recipe's one code block that contains this text."""
    blocks = [block for block in CODE_BLOCKS if containing in block]
    assert len(blocks) == 1, f"{len(blocks)} code blocks contain {containing!r}"
    return blocks[0]


def split_imports(code):
    lines = code.strip().splitlines()
    imports = [line for line in lines if line.startswith(("from ", "import "))]
    body = "\n".join(line for line in lines if line not in imports).strip()
    return imports, body


def add_to_module(path, code):
    """Add code to a module as a person would: imports on top, the rest at the end."""
    imports, body = split_imports(code)
    text = path.read_text()
    missing = "".join(f"{line}\n" for line in imports if line not in text.splitlines())
    path.write_text(f"{missing}{text.rstrip()}\n\n\n{body}\n")


def replace_in_file(path, old, new):
    text = path.read_text()
    assert text.count(old) == 1, f"{path.name} should contain {old!r} once"
    path.write_text(text.replace(old, new))


@pytest.fixture
def new_database(request, tmp_path):
    """Return a function that makes an empty database and gives its URL."""
    made = []

    def make(kind, name):
        if kind == "sqlite":
            return f"sqlite:///{tmp_path / f'{name}.sqlite3'}"
        server = request.getfixturevalue("postgres_url")
        # The process id keeps two runs on one server out of each other's way.
        made.append((server, f"template_switch_{name}_{os.getpid()}"))
        return fresh_postgres_database(*made[-1])

    yield make
    if made:
        import psycopg
        from psycopg import sql

        with psycopg.connect(made[0][0], autocommit=True) as connection:
            for _, name in made:
                connection.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                        sql.Identifier(name)
                    )
                )


@pytest.mark.parametrize(
    ("line", "database"),
    [
        pytest.param(
            line,
            database,
            id=f"django{line}-{database}",
            marks=pytest.mark.xdist_group(f"profile-{line}"),
        )
        for line in DJANGO_LINES
        for database in ("sqlite", "postgres")
    ],
)
def test_recipe_keeps_users_passwords_and_relations(
    generate, new_database, tmp_path, line, database
):
    """A profile project switched to users.User keeps its users and their links."""
    version = line.replace(".", "")
    environment = {"DATABASE_URL": new_database(database, f"in_use_{version}")}
    project = shutil.copytree(
        generate("profile", line),
        tmp_path / "p",
        ignore=shutil.ignore_patterns("db.sqlite3", "__pycache__"),
    )
    python = DJANGO_LINES[line].python

    def succeed(*command, **extra):
        result = run((python, *command), project, **environment, **extra)
        assert result.returncode == 0, (
            f"{' '.join(command)} failed:\n{result.stdout}\n{result.stderr}"
        )
        return result.stdout

    def follow(command):
        """Run a command exactly as the recipe gives it."""
        assert command in COMMANDS, f"the recipe no longer says {command!r}"
        if command == "rm users/migrations/0*.py":
            for migration in (project / "users" / "migrations").glob("0*.py"):
                migration.unlink()
            return ""
        program, *arguments = command.split()
        assert program == "python"
        return succeed(*arguments)

    def inspect(newcomer):
        output = succeed(
            "-c", INSPECT, session, newcomer, DJANGO_SETTINGS_MODULE="config.settings"
        )
        return json.loads(output)

    # A project that has been in use with auth.User.
    succeed("manage.py", "migrate", "--no-input")
    seeded = json.loads(succeed("-c", SEED, DJANGO_SETTINGS_MODULE="config.settings"))
    session = seeded["session"]

    # Part 1: the code.
    models = project / "users" / "models.py"
    model = code_block('db_table = "auth_user"')
    add_to_module(models, model)
    replace_in_file(
        project / "config" / "settings.py",
        'AUTH_USER_MODEL = "auth.User"',
        code_block("AUTH_USER_MODEL").strip(),
    )
    assert "admin.site.unregister(User)" in RECIPE
    replace_in_file(project / "users" / "admin.py", "admin.site.unregister(User)\n", "")
    follow("rm users/migrations/0*.py")
    follow("python manage.py makemigrations users")
    script = code_block("MigrationRecorder")
    (project / "switch_user_model.py").write_text(script)

    # Part 2: the database.
    assert "Switched to users.User." in follow("python switch_user_model.py")
    assert "No migrations to apply." in follow("python manage.py migrate")
    assert "[X] 0001_initial" in follow("python manage.py showmigrations users")
    follow("python manage.py makemigrations --check --dry-run")
    follow("python manage.py check")
    assert "Nothing to do" in follow("python switch_user_model.py")

    expected = {
        "AUTH_USER_MODEL": "users.User",
        "model": "users.User",
        "rows": seeded["rows"],
        "ada": "ada",
        "groups": ["Editors"],
        "permissions": ["users.change_user", "users.view_user"],
        "phone number": "+44 20 7946 0000",
        "log entry": ["ada", "grace", True],
        "newcomer": [True, True],
        "admin list": 200,
        "admin history": [200, True],
        "tables": [
            "auth_user",
            "auth_user_groups",
            "auth_user_user_permissions",
            "users_profile",
        ],
        # The migration describes the key the table really has.
        "key": ["AutoField", "AutoField"],
    }
    assert inspect("linus") == expected

    # Part 3: later, the table gets the usual name.
    _, old_class = split_imports(model)
    replace_in_file(models, old_class, code_block('"""A user of the project."""'))
    follow("python manage.py makemigrations users --name rename_user_table")
    follow("python manage.py migrate")
    follow("python manage.py check")
    assert inspect("margaret") == {
        **expected,
        "tables": [
            "users_profile",
            "users_user",
            "users_user_groups",
            "users_user_user_permissions",
        ],
    }

    # A new database, as a new developer or CI makes it, runs both migrations.
    environment = {"DATABASE_URL": new_database(database, f"new_{version}")}
    follow("python manage.py migrate")
    follow("python manage.py makemigrations --check --dry-run")
