"""A generated project works as its README says, in CI, and from any folder."""

import json
import os
import re
import shlex
import shutil
import sys
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import pytest
from psycopg import sql

from tests.conftest import (
    CHOICE_PARAMS,
    CHOICES_IN_TURN_PARAMS,
    DJANGO_LINES,
    INITIAL_MIGRATION,
    ready,
    run,
    run_cookiecutter,
    tree,
)
from tests.environments import BARE, TEMPLATE_DIR, find_python

RUNNABLE_BLOCK = re.compile(r"<!-- runnable -->\n```bash\n(.*?)```", re.DOTALL)
# The uv form of the README's first two commands: set up and run, then test.
UV_COMMANDS = re.compile(r"```bash\n(uv sync .*?)\n```\n\n```bash\n(uv run .*?)\n```")
UV_IN_PLACE_OF_PIP = re.compile(
    r"driver with\s+`(uv sync [^`]+)`,\s+and pre-commit with\s+`(uv tool install [^`]+)`"
)
POSTGRES_SETUP_BLOCK = re.compile(
    r"<!-- postgres-setup -->\n```bash\n(.*?)```", re.DOTALL
)


def postgres_setup(readme, server_url, name):
    """The README's role and database commands, run against the test server.

    They run as written but for two things: psql and createdb reach the test server
    as its superuser through PG* variables instead of sudo, and the names get a
    suffix so that each test has its own role and database.
    """
    block = POSTGRES_SETUP_BLOCK.search(readme)[1]
    assert block.count("sudo -u postgres ") == 2
    commands = block.replace("sudo -u postgres ", "").replace("my_project", name)
    server = urlsplit(server_url)
    administrator = {
        "PGHOST": server.hostname,
        "PGPORT": str(server.port),
        "PGUSER": server.username,
    }
    with psycopg.connect(server_url, autocommit=True) as connection:
        for database in (f"test_{name}", name):
            connection.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                    sql.Identifier(database)
                )
            )
        connection.execute(
            sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(name))
        )
    return (
        administrator,
        commands,
        (f"postgres://{name}:change-me@{server.hostname}:{server.port}/{name}"),
    )


# The blocks are the same for every choice, and each costs a fresh install and two
# runs of the suite: one choice a day, in turn.
@pytest.mark.parametrize("choice", CHOICES_IN_TURN_PARAMS)
def test_readme_commands_work_as_written(
    generate, tmp_path, request, record_property, choice
):
    """The README's runnable blocks, run in order by a shell in a fresh clone."""
    record_property("matrix", (choice, "5.2", "sqlite"))
    record_property("matrix", (choice, "5.2", "postgres"))
    # A teammate's clone: everything but the git-ignored .env.
    project = shutil.copytree(
        generate(choice), tmp_path / "project", ignore=shutil.ignore_patterns(".env")
    )
    readme = (project / "README.md").read_text()
    development = (project / "docs" / "development.md").read_text()
    server = request.getfixturevalue("postgres_url")
    # A role without superuser rights, as the development guide creates it.
    administrator, create_role, database_url = postgres_setup(
        development, server, f"my_project_{choice}"
    )
    steps = ["set -eu"]
    # The README's blocks, then the development guide's, which starts where the
    # README leaves off; the server would run until stopped, so it is left out.
    blocks = RUNNABLE_BLOCK.findall(readme) + RUNNABLE_BLOCK.findall(development)
    assert blocks[1].endswith(" && python manage.py runserver\n")
    blocks[1] = blocks[1].removesuffix(" && python manage.py runserver\n") + "\n"
    for block in blocks:
        if "postgres" in block:
            steps.append(
                f"env {shlex.join(f'{k}={v}' for k, v in administrator.items())} bash -c {shlex.quote(create_role)}"
            )
            # What the README asks a person to do next, in words.
            steps.append(f"echo 'DATABASE_URL={database_url}' >> .env")
        steps.append(block)
    assert len(steps) >= 8, "the README lost its runnable blocks"
    # Give the README's "python3" the interpreter of the supported line.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name in ("python", "python3"):
        (bin_dir / name).symlink_to(find_python(DJANGO_LINES["5.2"].python_version))
    path = os.pathsep.join((str(bin_dir), os.environ["PATH"]))
    result = run(("bash", "-c", "\n".join(steps)), project, PATH=path)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    secret_key = re.search(r"^SECRET_KEY=(.+)$", (project / ".env").read_text(), re.M)
    assert len(secret_key[1]) >= 50
    assert (project / ".git" / "hooks" / "pre-commit").is_file()


@pytest.mark.parametrize("choice", CHOICE_PARAMS)
def test_readme_uv_commands_work_as_written(
    generate, tmp_path, record_property, choice
):
    """The uv form of the first two commands, and of the pip lines under Development."""
    record_property("matrix", (choice, "5.2", "sqlite"))
    project = shutil.copytree(generate(choice), tmp_path / "project")
    readme = (project / "README.md").read_text()
    setup, test = UV_COMMANDS.search(readme).groups()
    # The server would run until stopped: everything before it runs as written.
    *setup, serve = setup.split(" && ")
    assert serve == "uv run python manage.py runserver"
    # What the development guide says to run with uv in place of its pip lines.
    development = (project / "docs" / "development.md").read_text()
    postgres_driver, pre_commit = UV_IN_PLACE_OF_PIP.search(development).groups()
    uv = Path(sys.executable).with_name("uv")
    tools = tmp_path / "tools"
    path = os.pathsep.join((str(uv.parent), str(tools / "bin"), os.environ["PATH"]))
    result = run(
        (
            "bash",
            "-euc",
            f"{' && '.join(setup)}\n{test}\n{postgres_driver}\n"
            "uv run python -c 'import psycopg'\n"
            f"{pre_commit}\npre-commit --version",
        ),
        project,
        PATH=path,
        # The supported line's interpreter, never one uv would download.
        UV_PYTHON=find_python(DJANGO_LINES["5.2"].python_version),
        UV_PYTHON_DOWNLOADS="never",
        # uv's tools go to this test's folder, not the home directory.
        UV_TOOL_DIR=str(tools),
        UV_TOOL_BIN_DIR=str(tools / "bin"),
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert " passed" in result.stdout
    assert (project / "uv.lock").is_file()


# A Markdown link's target, when it is a path in the project rather than a URL.
RELATIVE_LINK = re.compile(r"\]\((?![a-z]+:|#)([^)#\s]+)(?:#[^)]*)?\)")


@pytest.mark.parametrize("choice", CHOICE_PARAMS)
def test_readme_is_short_and_every_link_resolves(generate, choice):
    """
    The README fits in 200 lines, and each relative link of the README and of
    docs/ names a file of the generated project.
    """
    project = generate(choice)
    readme = project / "README.md"
    assert len(readme.read_text().splitlines()) <= 200
    pages = [readme, *sorted((project / "docs").glob("*.md"))]
    assert len(pages) >= 8, "the README lost its docs/ pages"
    linked = set()
    for page in pages:
        for target in RELATIVE_LINK.findall(page.read_text()):
            path = (page.parent / target).resolve()
            assert path.is_file(), f"{page.name} links to {target}, which is missing"
            linked.add(path)
    # Every page of docs/ is reachable from the README or another page.
    assert {page.resolve() for page in pages[1:]} <= linked


@pytest.mark.parametrize("choice", CHOICE_PARAMS)
def test_ci_workflow_passes_actionlint(generate, choice):
    workflow = generate(choice) / ".github" / "workflows" / "ci.yml"
    actionlint = Path(sys.executable).with_name("actionlint")
    result = run((actionlint, "-no-color", workflow), workflow.parent)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("choice", CHOICE_PARAMS)
def test_generation_works_in_a_folder_with_spaces_and_accents(tmp_path, choice):
    """The hooks use no shell and no POSIX-only path."""
    environment = ready(DJANGO_LINES["5.2"])
    output_dir = tmp_path / "Mes projets été 2026"
    output_dir.mkdir()
    result = run_cookiecutter(
        environment, output_dir, project_name="Café Ünïcode", user_model=choice
    )
    assert result.returncode == 0, result.stderr
    project = output_dir / "cafe_unicode"
    assert (project / INITIAL_MIGRATION).is_file()
    result = run((environment.python, "manage.py", "check"), project)
    assert result.returncode == 0, result.stderr


def test_a_name_with_quotes_and_markup_is_shown_as_written(tmp_path):
    """
    A project name holding quotes, a backslash and HTML characters stays exact in
    the settings, is escaped on pages, is plain in mail, and lints clean.
    """
    environment = ready(DJANGO_LINES["5.2"])
    name = 'Bob\'s "Bikes" & <Co> \\ Ltd'
    result = run_cookiecutter(
        environment, tmp_path, project_name=name, user_model="abstract_base_user"
    )
    assert result.returncode == 0, result.stderr
    project = tmp_path / "bob_s_bikes_co_ltd"
    for command in (("check",), ("format", "--check")):
        result = run(
            (sys.executable, "-m", "ruff", *command, "."),
            project,
            RUFF_CACHE_DIR=str(tmp_path / "ruff"),
        )
        assert result.returncode == 0, result.stdout + result.stderr
    result = run(
        (
            environment.python,
            "-c",
            "import django; django.setup(); from django.conf import settings; "
            "print(settings.SITE_NAME)",
        ),
        project,
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    assert result.stdout.strip() == name, result.stderr
    # The pages' titles and the mails' subjects and bodies.
    tests = ("website/tests/test_pages.py", "users/tests/test_accounts.py")
    result = run((environment.python, "-m", "pytest", "-q", *tests), project)
    assert result.returncode == 0, result.stdout[-3000:]


def test_replay_gives_the_same_project(tmp_path):
    environment = ready(DJANGO_LINES["5.2"])
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    answers = {"project_name": "Replayed", "user_model": "abstract_base_user"}
    assert run_cookiecutter(environment, first, **answers).returncode == 0
    shutil.copytree(first / "replay", second / "replay")
    result = run_cookiecutter(environment, second, "--replay")
    assert result.returncode == 0, result.stderr
    assert tree(second / "replayed") == tree(first / "replayed")


def test_interactive_answers_give_the_same_project_as_no_input(tmp_path):
    environment = ready(DJANGO_LINES["5.2"])
    asked, given = tmp_path / "asked", tmp_path / "given"
    asked.mkdir()
    given.mkdir()
    typed = ("Acme Shop", "", "A shop", "Ann", "ann@example.com", "Europe/Paris", "3")
    result = run_cookiecutter(environment, asked, typed=typed)
    assert result.returncode == 0, result.stderr
    result = run_cookiecutter(
        environment,
        given,
        project_name="Acme Shop",
        project_slug="acme_shop",
        description="A shop",
        author_name="Ann",
        author_email="ann@example.com",
        time_zone="Europe/Paris",
        user_model="profile",
    )
    assert result.returncode == 0, result.stderr
    assert tree(asked / "acme_shop") == tree(given / "acme_shop")


def test_cruft_creates_and_checks_a_project(tmp_path):
    """cruft records the template and answers, and finds the project up to date."""
    cruft = Path(sys.executable).with_name("cruft")
    result = run(
        (
            cruft,
            "create",
            "--no-input",
            "--extra-context",
            '{"project_name": "Crufty", "user_model": "profile"}',
            TEMPLATE_DIR,
        ),
        tmp_path,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    project = tmp_path / "crufty"
    assert (
        json.loads((project / ".cruft.json").read_text())["context"]["cookiecutter"][
            "user_model"
        ]
        == "profile"
    )
    result = run((cruft, "check"), project)
    assert result.returncode == 0, result.stdout + result.stderr


def git(folder, *args):
    result = run(
        ("git", "-c", "user.name=Ann", "-c", "user.email=ann@example.com", *args),
        folder,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_cruft_update_leaves_env_alone(tmp_path):
    """A template change reaches a project made as the README says; .env stays as it is."""
    cruft = Path(sys.executable).with_name("cruft")
    template = shutil.copytree(
        TEMPLATE_DIR,
        tmp_path / "template",
        ignore=shutil.ignore_patterns(".git", ".*venv*", "__pycache__", ".ruff_cache"),
    )
    git(template, "init", "--quiet")
    git(template, "add", "--all")
    git(template, "commit", "--quiet", "--message", "First version")
    readme = (TEMPLATE_DIR / "README.md").read_text()
    options = re.search(r"^cruft create (.*?)gh:org/template", readme, re.M)[1]
    result = run(
        (
            cruft,
            "create",
            *shlex.split(options),
            "--no-input",
            "--extra-context",
            '{"project_name": "Crufty"}',
            template,
        ),
        tmp_path,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    project = tmp_path / "crufty"
    git(project, "init", "--quiet")
    git(project, "add", "--all")
    git(project, "commit", "--quiet", "--message", "Generated")
    env_file = (project / ".env").read_bytes()

    example = template / "{{cookiecutter.project_slug}}" / ".env.example"
    example.write_text(example.read_text() + "# A setting added later.\n")
    git(template, "commit", "--quiet", "--all", "--message", "Second version")
    result = run((cruft, "update", "--skip-apply-ask"), project)
    assert result.returncode == 0, result.stdout + result.stderr

    assert (project / ".env.example").read_text().endswith("# A setting added later.\n")
    assert (project / ".env").read_bytes() == env_file
    # Changed files only, staged or not: no reject, no other file touched.
    status = git(project, "status", "--porcelain", "--untracked-files=all")
    assert {line[3:] for line in status.splitlines()} == {".cruft.json", ".env.example"}
    assert "??" not in status


def test_readme_transcript_matches_what_cookiecutter_prints(tmp_path):
    """The template README shows the answers and next steps a newcomer will see."""
    readme = (TEMPLATE_DIR / "README.md").read_text()
    transcript = re.search(r"```text\n(  \[1/7\].*?)```", readme, re.DOTALL)[1]
    # Each question ends with its default in brackets, a colon and the answer.
    typed = [
        answer.group(1)
        for line in transcript.splitlines()
        if (answer := re.search(r"\): ?(.*)$", line))
    ]
    result = run_cookiecutter(ready(BARE), tmp_path, typed=typed)
    assert result.returncode == 0, result.stderr
    printed = result.stdout[result.stdout.index("Created") :].strip()
    assert printed == transcript[transcript.index("Created") :].strip()


def test_readme_says_what_the_template_address_stands_for(tmp_path):
    """The placeholder is explained before its first use, and a local clone's path works."""
    readme = (TEMPLATE_DIR / "README.md").read_text()
    first_use = readme.index("gh:org/template")
    assert readme[first_use:].startswith(
        "gh:org/template` stands for this repository's address"
    )
    assert "`cookiecutter .` from inside" in readme
    command = re.search(r"^cookiecutter --no-input gh:org/template (.*)$", readme, re.M)
    answers = dict(part.split("=", 1) for part in shlex.split(command[1]))
    result = run_cookiecutter(ready(BARE), tmp_path, **answers)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "acme_shop" / "manage.py").is_file()


def test_readme_shows_the_message_a_bad_slug_gets(tmp_path):
    readme = (TEMPLATE_DIR / "README.md").read_text()
    shown = re.search(r"^ERROR: The project slug 'acme-shop' .*$", readme, re.M)[0]
    result = run_cookiecutter(ready(BARE), tmp_path, project_slug="acme-shop")
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == shown


def test_a_commit_runs_the_hooks_without_an_activated_environment(generate, tmp_path):
    """
    Set up with uv as the README says, a commit from a shell that never activated
    .venv runs the project's own ruff in the pre-commit hooks.
    """
    project = shutil.copytree(generate("abstract_user"), tmp_path / "project")
    # PATH has uv, the tools uv installs and the system's commands, but not the
    # folder of this interpreter, which holds a ruff of its own.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "uv").symlink_to(Path(sys.executable).with_name("uv"))
    tools = tmp_path / "tools"
    path = os.pathsep.join((str(bin_dir), str(tools / "bin"), "/usr/bin", "/bin"))
    environment = {
        "PATH": path,
        "UV_PYTHON": find_python(DJANGO_LINES["5.2"].python_version),
        "UV_PYTHON_DOWNLOADS": "never",
        "UV_TOOL_DIR": str(tools),
        "UV_TOOL_BIN_DIR": str(tools / "bin"),
        "PRE_COMMIT_HOME": str(tmp_path / "pre-commit"),
        # A shell that never activated one.
        "VIRTUAL_ENV": "",
        "GIT_AUTHOR_NAME": "Ann",
        "GIT_AUTHOR_EMAIL": "ann@example.com",
        "GIT_COMMITTER_NAME": "Ann",
        "GIT_COMMITTER_EMAIL": "ann@example.com",
    }
    readme = (project / "docs" / "development.md").read_text()
    _, pre_commit = UV_IN_PLACE_OF_PIP.search(readme).groups()
    setup = (
        "uv sync --extra dev --quiet && git init --quiet && "
        f"{pre_commit} --quiet && pre-commit install"
    )
    result = run(("bash", "-euc", setup), project, **environment)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert shutil.which("ruff", path=path) is None
    (project / "orders.py").write_text("total = ( 1+2 )\n")
    commit = ("git", "commit", "--quiet", "--message", "First")
    run(("git", "add", "--all"), project, **environment)
    result = run(commit, project, **environment)
    # ruff format rewrote the file, so pre-commit refused this first commit.
    # git gives the hooks' output on stderr.
    assert result.returncode == 1, result.stdout + result.stderr
    assert "files were modified by this hook" in result.stderr, result.stderr
    assert (project / "orders.py").read_text() == "total = 1 + 2\n"
    run(("git", "add", "--all"), project, **environment)
    result = run(commit, project, **environment)
    assert result.returncode == 0, result.stdout + result.stderr
