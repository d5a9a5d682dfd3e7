"""The recipes of each generated project's docs, followed on a copy of the project."""

import os
import re
import shutil

import pytest

from tests.conftest import CHOICE_PARAMS, CHOICES, DJANGO_LINES, PROJECT_TEMPLATE, run

# Each choice's docs/ pages, which the hook moves into the generated project as
# they are (Cookiecutter does not render them).
CHOICE_DOCS = PROJECT_TEMPLATE / "_user_models"
THIRD_PARTY = PROJECT_TEMPLATE.parent / "tests" / "third_party"
# The name a team gives its own field: a recipe must work for any field, not
# only for its example.
FRESH_FIELD = "loyalty_code"

# Run with python -c in the project once the fresh field is required in ProfileForm.
CHECK_REQUIRED_FIELD = f"""
import django

django.setup()

from users.admin import ProfileInline

form = ProfileInline.form(data={{"date_of_birth": "", "phone_number": ""}})
assert list(form.errors) == [{FRESH_FIELD!r}], form.errors
"""


def section(choice, heading, page="user-model.md"):
    """Return the text under a heading of the choice's docs page, up to the next one."""
    text = (CHOICE_DOCS / choice / "docs" / page).read_text()
    match = re.search(
        rf"^## {re.escape(heading)}\n(.*?)(?=^## |\Z)", text, flags=re.M | re.S
    )
    assert match, f"{choice}/docs/{page} has no section {heading!r}"
    return match[1]


def code_blocks(text, language):
    return re.findall(rf"^```{language}\n(.*?)^```$", text, flags=re.M | re.S)


def without_where(block, where):
    """Return a snippet without its first line, the comment naming its file."""
    first, body = block.split("\n", 1)
    assert first == f"# {where}", f"the snippet does not start with # {where}"
    return body


def edit(path, pattern, replacement, count):
    """Apply a regular expression substitution that must match count times."""
    text, made = re.subn(pattern, replacement, path.read_text())
    assert made == count, f"{pattern!r} matched {made} times in {path.name}"
    path.write_text(text)


def follow_commands(project, text):
    """Run the section's shell commands with the supported line's python."""
    python = DJANGO_LINES["5.2"].python
    path = os.pathsep.join((str(python.parent), os.environ["PATH"]))
    for command in code_blocks(text, "bash"):
        result = run(("bash", "-c", command), project, PATH=path)
        assert result.returncode == 0, f"{command}:\n{result.stdout}\n{result.stderr}"


def add_a_field(project, choice):
    """Add a field of the recipe's kind, under a fresh name, to model, admin and forms."""
    text = section(choice, "Adding a field")
    (block,) = code_blocks(text, "python")
    model = "Profile" if choice == "profile" else "User"
    field = without_where(block, f"users/models.py, in class {model}")
    example = re.match(r"(\w+) =", field)[1]
    field = field.replace(example, FRESH_FIELD)
    indented = "".join(f"    {line}\n" for line in field.splitlines())
    # Every choice's model ends its fields with phone_number, on one line.
    edit(
        project / "users" / "models.py",
        r"(?m)^    phone_number = .*\n",
        lambda match: match[0] + indented,
        1,
    )
    # "Add it after phone_number" where the fieldsets and the form list fields;
    # the profile's admin inline shows every field by itself.
    # The sign-up and account forms list fields too: two forms, or the profile's one.
    edited = {"admin.py": 2, "forms.py": 2} if "fieldsets" in text else {"forms.py": 1}
    for module, count in edited.items():
        edit(
            project / "users" / module,
            r'("date_of_birth",\s*"phone_number")',
            rf'\1, "{FRESH_FIELD}"',
            count,
        )
    follow_commands(project, text)
    (migration,) = (project / "users" / "migrations").glob("0002_*.py")
    assert FRESH_FIELD in migration.read_text()


def require_a_field(project, choice):
    """Add a fresh field, give ProfileForm the method for it, and set the form on ProfileInline."""
    add_a_field(project, choice)
    text = section(choice, "Requiring a field")
    (block,) = code_blocks(text, "python")
    method = without_where(block, "users/forms.py, in class ProfileForm")
    assert '"phone_number"' in method
    method = method.replace('"phone_number"', f'"{FRESH_FIELD}"')
    forms = project / "users" / "forms.py"
    classes = re.findall(r"(?m)^class (\w+)", forms.read_text())
    assert classes[-1] == "ProfileForm", "the recipe appends to the last class"
    forms.write_text(f"{forms.read_text()}\n{method}")
    admin = project / "users" / "admin.py"
    (import_line,) = re.findall(r"`(from users\.forms import ProfileForm)`", text)
    admin.write_text(f"{import_line}\n{admin.read_text()}")
    edit(admin, r"(?m)^(    can_delete = False\n)", r"\1    form = ProfileForm\n", 1)
    follow_commands(project, text)
    result = run(
        (DJANGO_LINES["5.2"].python, "-c", CHECK_REQUIRED_FIELD),
        project,
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    assert result.returncode == 0, result.stderr


# Each recipe that changes code: (choice, heading in its docs, how to follow it).
RECIPES = [
    *((choice, "Adding a field", add_a_field) for choice in CHOICES),
    ("profile", "Requiring a field", require_a_field),
]


@pytest.mark.parametrize(
    ("choice", "heading", "apply"),
    [
        pytest.param(
            *recipe,
            id=f"{recipe[0]}-{recipe[1].lower().replace(' ', '-')}",
            # The worker that owns the choice's generated project follows it.
            marks=pytest.mark.xdist_group(f"{recipe[0]}-5.2"),
        )
        for recipe in RECIPES
    ],
)
def test_recipe_keeps_the_projects_tests_passing(
    generate, tmp_path, choice, heading, apply
):
    """Following the recipe for a field of one's own leaves every shipped test green."""
    project = shutil.copytree(
        generate(choice, "5.2"),
        tmp_path / "p",
        ignore=shutil.ignore_patterns("db.sqlite3", "__pycache__", ".pytest_cache"),
    )
    apply(project, choice)
    python = DJANGO_LINES["5.2"].python
    result = run((python, "-m", "pytest", "-q", "-p", "no:cacheprovider"), project)
    assert result.returncode == 0, f"{result.stdout}\n{result.stderr}"


@pytest.mark.parametrize(
    ("choice", "module"),
    [("abstract_base_user", "adapters.py"), ("profile", "backends.py")],
)
def test_allauth_recipe_is_the_code_the_template_tests_run(choice, module):
    """The module the allauth test adds to a project is the docs', as printed."""
    if choice == "profile":
        text = section(choice, "The apps a team usually adds next")
    else:
        text = section(choice, "With django-allauth", page="other-apps.md")
    blocks = [block for block in code_blocks(text, "python") if "class " in block]
    lines = blocks[0].splitlines()
    assert lines[0].startswith("# users/"), "the snippet names the file it goes in"
    assert "\n".join(lines[1:]) + "\n" == (THIRD_PARTY / module).read_text()


def as_in_the_tests(block):
    """The project's dotted paths in settings are the test package's there."""
    return block.replace('"users.', '"third_party.')


def dedented_lines(text):
    return [line.removeprefix("    ") for line in text.splitlines()]


@pytest.mark.parametrize(
    "heading",
    [
        "With django-allauth",
        "With dj-rest-auth",
        "With django-impersonate",
        "With Wagtail",
        "With django-guardian",
    ],
)
def test_email_login_recipes_are_the_code_the_template_tests_run(heading):
    """
    Each module the docs print is a file of the test package, and each settings
    block is in its settings, as printed.
    """
    text = section("abstract_base_user", heading, page="other-apps.md")
    blocks = code_blocks(text, "python")
    assert blocks
    settings_lines = dedented_lines((THIRD_PARTY / "settings.py").read_text())
    for block in blocks:
        where, body = block.split("\n", 1)
        if where == "# config/settings.py":
            lines = dedented_lines(as_in_the_tests(body))
            assert any(
                settings_lines[start : start + len(lines)] == lines
                for start in range(len(settings_lines))
            ), f"not in tests/third_party/settings.py:\n{body}"
        else:
            module = re.fullmatch(r"# users/(\w+\.py)", where)
            assert module, f"a block that names no file: {where}"
            assert as_in_the_tests(body) == (THIRD_PARTY / module[1]).read_text()


# docs/adding-an-app.md: each block after its marker, in order.
ADDING_AN_APP = re.compile(r"<!-- adding-an-app -->\n```(\w+)\n(.*?)```", re.DOTALL)
# What is left of an order once its user is deleted, by the recipe's on_delete: the
# order without a user, or nothing. PROTECT has no entry: the account would stay.
ORDER_AFTER_LEAVING = {"SET_NULL": [None], "CASCADE": []}
# The app's tests.py, added to the project before the recipe's own python -m pytest.
ORDER_TESTS = """
import pytest
from django.urls import reverse

from orders.models import Order

pytestmark = pytest.mark.django_db

LEFT = {left!r}


def left_of(order):
    return list(Order.objects.filter(pk=order.pk).values_list("user", flat=True))


def test_an_account_with_an_order_is_deleted_on_its_page(client, user, password):
    order = Order.objects.create(user=user)
    client.force_login(user)
    response = client.post(reverse("delete_account"), {{"password": password}})
    assert response.status_code == 302
    assert not type(user)._default_manager.filter(pk=user.pk).exists()
    assert left_of(order) == LEFT


def test_a_user_with_an_order_is_deleted(user):
    order = Order.objects.create(user=user)
    user.delete()
    assert left_of(order) == LEFT
"""


@pytest.mark.parametrize("choice", CHOICE_PARAMS)
def test_adding_an_app_recipe(generate, tmp_path, choice):
    """
    An app made as docs/adding-an-app.md says has a clean migration on the
    project's user model, the project's tests pass, and its user can still delete
    the account.
    """
    python = DJANGO_LINES["5.2"].python
    project = shutil.copytree(
        generate(choice, "5.2"),
        tmp_path / "p",
        ignore=shutil.ignore_patterns("db.sqlite3", "__pycache__", ".pytest_cache"),
    )
    readme = (project / "docs" / "adding-an-app.md").read_text()
    blocks = ADDING_AN_APP.findall(readme)
    assert [language for language, _ in blocks] == ["bash", "python", "bash"]
    ((_, make), (_, model), (_, finish)) = blocks
    path = os.pathsep.join((str(python.parent), os.environ["PATH"]))

    def shell(command, **overrides):
        # -e: a team stops at the first command that fails.
        result = run(("bash", "-e", "-c", command), project, PATH=path, **overrides)
        assert result.returncode == 0, f"{command}:\n{result.stdout}\n{result.stderr}"
        return result

    shell(make)
    where, body = model.split("\n", 1)
    (project / where.removeprefix("# ")).write_text(body)
    assert 'add `"orders"` at the end of `INSTALLED_APPS` in `config/settings.py`' in (
        " ".join(readme.split())
    )
    edit(
        project / "config" / "settings.py",
        r"(?ms)^(INSTALLED_APPS = \[\n.*?)^\]",
        r'\1    "orders",\n]',
        1,
    )
    on_delete = re.search(r"on_delete=models\.(\w+)", body)[1]
    assert on_delete in ORDER_AFTER_LEAVING, f"{on_delete} keeps the account"
    tests = ORDER_TESTS.format(left=ORDER_AFTER_LEAVING[on_delete])
    (project / "orders" / "tests.py").write_text(tests)

    result = shell(finish, PYTEST_ADDOPTS="-p no:cacheprovider -rA")
    for name in re.findall(r"^def (test_\w+)", tests, flags=re.M):
        assert f"PASSED orders/tests.py::{name}" in result.stdout, result.stdout
    (migration,) = (project / "orders" / "migrations").glob("0001_*.py")
    assert "swappable_dependency(settings.AUTH_USER_MODEL)" in migration.read_text()
    shell("python manage.py makemigrations --check --dry-run")
    # The snippet as printed passes the linters the project runs.
    shell("ruff check --no-cache orders/models.py")
    shell("ruff format --no-cache --check orders/models.py")
