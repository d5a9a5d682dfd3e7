"""What generation writes, for every user-model choice."""

import ast
import os
import re
import shutil
import sys

import pytest

from tests.conftest import (
    CHOICE_PARAMS,
    CHOICES,
    DJANGO_LINES,
    INITIAL_MIGRATION,
    PROJECT,
    PROJECT_TEMPLATE,
    ready,
    run,
    run_cookiecutter,
)
from tests.environments import BARE, DJANGO_ALONE, TEMPLATE_DIR

CHOICES_DIR = PROJECT_TEMPLATE / "_user_models"


# Caches that running the tools inside the template on a developer's machine leaves.
CACHES = {"__pycache__", ".ruff_cache"}


def files_below(root):
    return {
        path.relative_to(root).as_posix()
        for path in root.rglob("*")
        if path.is_file() and not CACHES.intersection(path.parts)
    }


def shared_files():
    return {path for path in files_below(PROJECT_TEMPLATE) if not path.startswith("_")}


def kept_folders(choice):
    """The choice's own folder and those it shares, named for choices joined by "+"."""
    return [path for path in CHOICES_DIR.iterdir() if choice in path.name.split("+")]


def files_of_choice(choice):
    return set().union(*map(files_below, kept_folders(choice)))


def python_files(project):
    return sorted(project.rglob("*.py"))


def alias_names(tree):
    """The names an import statement in the tree binds."""
    return {
        node.asname or node.name.split(".")[-1]
        for node in ast.walk(tree)
        if isinstance(node, ast.alias)
    }


def top_level_definitions(tree):
    """Classes and functions defined at the top of a module."""
    return {
        node.name
        for node in tree.body
        if isinstance(node, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
    }


def imported_names(root):
    """Names the Python files below root import."""
    return set().union(
        *(alias_names(ast.parse(path.read_text())) for path in root.rglob("*.py"))
    )


def defined_names(root):
    """Classes and functions defined at the top of the non-test modules below root."""
    return set().union(
        *(
            top_level_definitions(ast.parse(path.read_text()))
            for path in root.rglob("*.py")
            if "tests" not in path.relative_to(root).parts
        )
    )


def used_names(project):
    """Every bare name the project's Python code defines, uses or imports."""
    names = set()
    for path in python_files(project):
        tree = ast.parse(path.read_text())
        names |= alias_names(tree)
        names |= {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
        names |= {
            node.name
            for node in ast.walk(tree)
            if isinstance(node, ast.ClassDef | ast.FunctionDef)
        }
    return names


@pytest.mark.parametrize("choice", CHOICE_PARAMS)
def test_project_holds_the_shared_files_and_the_choices_own(generate, choice):
    project = generate(choice)
    expected = shared_files() | files_of_choice(choice) | {".env"}
    assert files_below(project) == expected
    assert not [
        path for path in project.rglob("*") if path.is_dir() and not any(path.iterdir())
    ]


@pytest.mark.parametrize("choice", CHOICE_PARAMS)
def test_nothing_is_left_behind(generate, choice):
    """No database, bytecode or template folder remains after the hooks ran."""
    project = generate(choice)
    assert not (project / "db.sqlite3").exists()
    assert not list(project.rglob("__pycache__"))
    assert not (project / "_user_models").exists()


@pytest.mark.parametrize("choice", CHOICE_PARAMS)
def test_no_template_syntax_remains(generate, choice):
    project = generate(choice)
    for path in project.rglob("*"):
        if not path.is_file():
            continue
        # GitHub Actions expressions, ${{ ... }}, belong in the workflow, and Django
        # templates have tags of their own.
        text = re.sub(r"\$\{\{.*?\}\}", "", path.read_text())
        # Django's own templates (pages and mails) live in templates/ folders, and
        # startapp's in website/app_template/.
        parts = path.relative_to(project).parts
        django_template = "templates" in parts or "app_template" in parts
        for marker in ("cookiecutter", *(() if django_template else ("{{", "{%"))):
            assert marker not in text, f"{marker!r} left in {path.name}"


@pytest.mark.parametrize("choice", CHOICE_PARAMS)
def test_nothing_from_other_choices_remains(generate, choice):
    """No class or function that only another choice defines is named anywhere."""
    # Profile's User is Django's own (User = get_user_model()), not another
    # choice's model: a name the choice binds itself is its own.
    kept = kept_folders(choice)
    # So is a name the shared files define, such as a management command's Command.
    shared = (p for p in PROJECT_TEMPLATE.rglob("*.py") if CHOICES_DIR not in p.parents)
    own = set().union(
        *(module_names(path) for folder in kept for path in folder.rglob("*.py")),
        *map(module_names, shared),
    )
    used = used_names(generate(choice))
    for other in CHOICES_DIR.iterdir():
        if other not in kept:
            foreign = defined_names(other) - own
            assert not foreign & used, f"names from {other.name}: {foreign & used}"


def module_names(source):
    """Names a module defines, assigns or imports at its top level."""
    tree = ast.parse(source.read_text())
    assigned = {
        target.id
        for node in tree.body
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Name)
    }
    imported = {
        (alias.asname or alias.name).split(".")[0]
        for node in tree.body
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    }
    return top_level_definitions(tree) | assigned | imported


@pytest.mark.parametrize("choice", CHOICE_PARAMS)
def test_every_project_import_resolves(generate, choice):
    """Imports from the project's own packages name modules and names that exist."""
    project = generate(choice)
    for path in python_files(project):
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.ImportFrom) or not node.module:
                continue
            if node.module.split(".")[0] not in {"config", "users", "website"}:
                continue
            module = project.joinpath(*node.module.split("."))
            source = module.with_suffix(".py")
            if not source.is_file():
                source = module / "__init__.py"
            assert source.is_file(), f"{path} imports the missing {node.module}"
            for alias in node.names:
                submodule = module / alias.name
                assert (
                    alias.name in module_names(source)
                    or submodule.with_suffix(".py").is_file()
                    or submodule.is_dir()
                ), f"{path} imports {alias.name}, missing from {node.module}"


@pytest.mark.parametrize("choice", CHOICE_PARAMS)
def test_every_python_file_compiles(generate, choice):
    for path in python_files(generate(choice)):
        compile(path.read_text(), str(path), "exec")


@pytest.mark.parametrize("choice", CHOICE_PARAMS)
def test_generated_project_is_lint_clean(generate, tmp_path, choice):
    project = generate(choice)
    for command in (("check",), ("format", "--check")):
        result = run(
            (sys.executable, "-m", "ruff", *command, "."),
            project,
            RUFF_CACHE_DIR=str(tmp_path),
        )
        assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("choice", CHOICE_PARAMS)
def test_env_file_holds_a_fresh_secret_key(generate, choice):
    project = generate(choice)
    env = dict(
        line.split("=", 1)
        for line in (project / ".env").read_text().splitlines()
        if line and not line.startswith("#")
    )
    assert env["DEBUG"] == "True"
    secret_key = env["SECRET_KEY"]
    assert len(secret_key) >= 50
    assert not secret_key.startswith("$")
    assert ".env" in (project / ".gitignore").read_text().splitlines()
    for path in project.rglob("*"):
        if path.is_file() and path.name != ".env":
            assert secret_key not in path.read_text(), path.name
    if os.name == "posix":
        assert (project / ".env").stat().st_mode & 0o077 == 0


def test_each_project_gets_its_own_secret_key(generate):
    keys = {
        re.search(r"^SECRET_KEY=(.+)$", (generate(choice) / ".env").read_text(), re.M)[
            1
        ]
        for choice in CHOICES
    }
    assert len(keys) == len(CHOICES)


@pytest.mark.parametrize("choice", CHOICE_PARAMS)
def test_generation_without_django_gives_the_same_project(generate, choice):
    """Cookiecutter alone writes the same files; only .env and the migration header differ."""
    with_django = generate(choice)
    without_django = generate(choice, "bare")
    assert files_below(without_django) == files_below(with_django)
    for name in files_below(with_django) - {".env", INITIAL_MIGRATION}:
        assert (without_django / name).read_bytes() == (
            with_django / name
        ).read_bytes(), name


@pytest.mark.parametrize("choice", CHOICE_PARAMS)
def test_settings_name_the_user_model(generate, choice):
    settings = (generate(choice) / "config" / "settings.py").read_text()
    expected = "auth.User" if choice == "profile" else "users.User"
    assert f'AUTH_USER_MODEL = "{expected}"' in settings


def test_django_writes_the_migration_and_the_shipped_copy_serves_without_it(
    tmp_path,
):
    """
    With the project's packages importable the hook runs makemigrations; with
    Django alone, or nothing but Cookiecutter, it keeps the copy.
    """
    template = shutil.copytree(
        TEMPLATE_DIR,
        tmp_path / "template",
        ignore=shutil.ignore_patterns(".git", ".*venv*", "__pycache__", ".ruff_cache"),
    )
    shipped = (
        CHOICES_DIR.relative_to(TEMPLATE_DIR) / "abstract_user" / INITIAL_MIGRATION
    )
    marked = template / shipped
    marked.write_text("# the shipped copy\n" + marked.read_text())
    for environment, keeps_the_copy in (
        (BARE, True),
        (DJANGO_ALONE, True),
        (DJANGO_LINES["5.2"], False),
    ):
        output_dir = tmp_path / environment.name
        output_dir.mkdir()
        result = run_cookiecutter(ready(environment), output_dir, template=template)
        assert result.returncode == 0, result.stderr
        written = (output_dir / "my_project" / INITIAL_MIGRATION).read_text()
        assert written.startswith("# the shipped copy") is keeps_the_copy


def test_every_folder_of_choices_names_choices():
    """
    A folder of choices, or a choice's README text, is named for them, so a
    misspelt one is not lost.
    """
    for entry in CHOICES_DIR.iterdir():
        name = entry.name if entry.is_dir() else entry.name.removesuffix(".md")
        assert set(name.split("+")) <= set(CHOICES), entry.name


def test_template_python_files_are_whole_files():
    """Each choice owns whole files: no template tag in any Python file."""
    for path in PROJECT_TEMPLATE.rglob("*.py"):
        source = path.read_text()
        assert "{%" not in source, path
        ast.parse(source)


def test_template_tree_is_lint_clean(tmp_path):
    """Ruff lints the template as it is, each part with its own configuration."""
    template_dir = PROJECT_TEMPLATE.parent
    for command in (("check",), ("format", "--check")):
        # A cache written inside the template would be copied into every project.
        result = run(
            (sys.executable, "-m", "ruff", *command, "."),
            template_dir,
            RUFF_CACHE_DIR=str(tmp_path),
        )
        assert result.returncode == 0, result.stdout + result.stderr


def test_generated_project_pins_the_ruff_the_template_lints_it_with():
    """One ruff version for the project, its pre-commit hooks and these tests."""
    project_ruff = [
        requirement
        for requirement in PROJECT["optional-dependencies"]["dev"]
        if requirement.startswith("ruff")
    ]
    template_ruff = [
        line
        for line in (TEMPLATE_DIR / "requirements-dev.txt").read_text().splitlines()
        if line.startswith("ruff")
    ]
    assert project_ruff == template_ruff
    assert project_ruff[0].startswith("ruff==")
