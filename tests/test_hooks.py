"""The hooks, rendered and imported as modules, and bad answers end to end."""

import importlib.util
import json
import re

import pytest
from cookiecutter.environment import StrictEnvironment

from tests.conftest import (
    DJANGO_LINES,
    PROJECT_REQUIREMENTS,
    PYPROJECT,
    TEMPLATE_DIR,
    ready,
    run,
    run_cookiecutter,
    tree,
)
from tests.environments import Environment as VirtualEnvironment

GOOD_ANSWERS = {
    "project_name": "Acme Shop",
    "project_slug": "acme_shop",
    "description": "Shop",
    "author_name": "Ann O'Neil",
    "author_email": "ann@example.com",
    "time_zone": "Europe/Paris",
    "user_model": "abstract_user",
}


def render_hook(name, tmp_path, **answers):
    """Render a hook in Cookiecutter's own environment, and import it."""
    context = {"cookiecutter": {**GOOD_ANSWERS, **answers}}
    source = (TEMPLATE_DIR / "hooks" / f"{name}.py").read_text()
    environment = StrictEnvironment(context=context, keep_trailing_newline=True)
    rendered = environment.from_string(source).render(**context)
    path = tmp_path / f"{name}.py"
    path.write_text(rendered)
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(autouse=True)
def in_an_empty_project_folder(tmp_path_factory, monkeypatch):
    """Run each hook where Cookiecutter runs it: in the new, empty project folder."""
    monkeypatch.chdir(tmp_path_factory.mktemp("acme_shop"))


def test_good_answers_pass(tmp_path):
    assert render_hook("pre_gen_project", tmp_path).main() == 0


def test_answers_survive_quotes_and_backslashes(tmp_path):
    """Free text is read back exactly, whatever characters it holds."""
    name = 'The "Best" Shop \\ O\'Neil'
    hook = render_hook("pre_gen_project", tmp_path, project_name=name)
    assert name == hook.PROJECT_NAME


BAD_ANSWERS = [
    pytest.param({"project_name": "   "}, "project name is blank", id="blank-name"),
    pytest.param(
        {"project_slug": "acme-shop"}, "not a valid package name", id="slug-hyphen"
    ),
    pytest.param(
        {"project_slug": "1shop"}, "not a valid package name", id="slug-digit"
    ),
    pytest.param({"project_slug": "Acme"}, "not a valid package name", id="slug-upper"),
    # Python identifiers that are not distribution names (PEP 508).
    pytest.param(
        {"project_slug": "_private"}, "not a valid package name", id="slug-underscore"
    ),
    pytest.param(
        {"project_slug": "abc_"}, "not a valid package name", id="slug-trailing"
    ),
    pytest.param(
        {"project_slug": "__init__"}, "not a valid package name", id="slug-dunder"
    ),
    pytest.param(
        {"project_slug": "a" * 101}, "101 characters long", id="slug-too-long"
    ),
    pytest.param({"project_slug": "class"}, "is a Python keyword", id="slug-keyword"),
    pytest.param(
        {"project_slug": "match"}, "is a Python keyword", id="slug-soft-keyword"
    ),
    pytest.param(
        {"project_slug": "django"}, "would shadow the module", id="slug-django"
    ),
    pytest.param({"project_slug": "users"}, "would shadow the module", id="slug-users"),
    pytest.param({"project_slug": "test"}, "would shadow the module", id="slug-test"),
    pytest.param(
        {"project_slug": "email"}, "would shadow the module", id="slug-stdlib"
    ),
    pytest.param(
        {"author_email": "ann at example"}, "not an address the packaging", id="email"
    ),
    # Addresses that setuptools' email parser refuses when it writes the metadata.
    *(
        pytest.param(
            {"author_email": email}, "not an address the packaging", id=f"email-{email}"
        )
        for email in ("", "<a>@b.cd", "a,b@c.de", "jörg@bücher.de", "a b@c.de", "a@b")
    ),
    pytest.param(
        {"time_zone": "Mars/Olympus"}, "time zone 'Mars/Olympus' is unknown", id="tz"
    ),
    pytest.param({"description": "a\nb"}, "line break", id="multiline-description"),
    # Characters TOML refuses in a string, and a line separator metadata refuses.
    pytest.param({"description": "a\x01b"}, "control character", id="control-x01"),
    pytest.param({"author_name": "a\x7fb"}, "control character", id="control-x7f"),
    pytest.param({"description": "a\u2028b"}, "line break", id="line-separator"),
    pytest.param(
        {"author_name": "x'''y"}, "three single quotes", id="toml-breaking-name"
    ),
]


# Names of what the project installs, by distribution or import name: pip cannot
# install a project of the same name beside them.
INSTALLED_NAMES = (
    "sqlparse",
    "asgiref",
    "django_environ",
    "pytest_django",
    "pip",
    "whitenoise",
    "gunicorn",
    "typing_extensions",
)
BAD_ANSWERS += [
    pytest.param(
        {"project_slug": slug}, "name of a package the project installs", id=slug
    )
    for slug in INSTALLED_NAMES
]


@pytest.mark.parametrize(("answers", "message"), BAD_ANSWERS)
def test_validators_refuse_bad_answers(tmp_path, capsys, answers, message):
    hook = render_hook("pre_gen_project", tmp_path, **answers)
    assert hook.main() == 1
    assert message in capsys.readouterr().err


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        pytest.param(
            {"project_name": ""},
            "The project name is blank. Give a name such as 'Acme Shop'.",
            id="blank-name",
        ),
        pytest.param(
            {"project_slug": "import"},
            "The project slug 'import' is a Python keyword.",
            id="keyword-slug",
        ),
        pytest.param(
            {"project_slug": "json"},
            "The project slug 'json' would shadow the module of the same name "
            "from Python's standard library.",
            id="stdlib-slug",
        ),
        pytest.param(
            {"time_zone": "Nowhere"}, "The time zone 'Nowhere' is unknown.", id="tz"
        ),
    ],
)
def test_generation_stops_on_bad_answers_and_leaves_nothing(
    bare_cookiecutter, tmp_path, answers, message
):
    result = run_cookiecutter(bare_cookiecutter, tmp_path, **answers)
    assert result.returncode == 1
    assert message in result.stderr
    left = {path.name for path in tmp_path.iterdir()}
    assert left <= {"cookiecutter-config.yaml", "replay"}


def file_bytes(folder):
    return {
        path.relative_to(folder): path.read_bytes()
        for path in folder.rglob("*")
        if path.is_file()
    }


@pytest.mark.parametrize("choice", ["abstract_user", "profile"])
def test_generating_over_a_project_stops_and_changes_nothing(
    bare_cookiecutter, tmp_path, choice
):
    """--overwrite-if-exists over a project, with its answers or others, stops first."""
    result = run_cookiecutter(bare_cookiecutter, tmp_path, user_model="abstract_user")
    assert result.returncode == 0, result.stderr
    project = tmp_path / "my_project"
    before = file_bytes(project)
    result = run_cookiecutter(
        bare_cookiecutter, tmp_path, "--overwrite-if-exists", user_model=choice
    )
    assert result.returncode == 1
    assert result.stderr.startswith(
        "ERROR: The folder 'my_project' already exists and holds files,"
    )
    assert file_bytes(project) == before


def test_generating_into_an_empty_folder_gives_a_fresh_project(
    bare_cookiecutter, tmp_path
):
    fresh, reused = tmp_path / "fresh", tmp_path / "reused"
    fresh.mkdir()
    (reused / "my_project").mkdir(parents=True)
    for output_dir, args in ((fresh, ()), (reused, ("--overwrite-if-exists",))):
        result = run_cookiecutter(bare_cookiecutter, output_dir, *args)
        assert result.returncode == 0, result.stderr
    assert tree(reused / "my_project") == tree(fresh / "my_project")


def test_post_gen_failure_names_the_step(tmp_path, capsys, monkeypatch):
    """A failing step stops generation with a message saying what failed."""
    monkeypatch.chdir(tmp_path)
    hook = render_hook("post_gen_project", tmp_path)
    assert hook.main() == 1
    error = capsys.readouterr().err
    assert error.startswith("ERROR: Could not keep the chosen user model:")


def test_cookiecutter_json_offers_the_three_choices_in_order():
    context = json.loads((TEMPLATE_DIR / "cookiecutter.json").read_text())
    assert context["user_model"] == ["abstract_user", "abstract_base_user", "profile"]
    labels = context["__prompts__"]["user_model"]
    assert set(labels) == {"__prompt__", *context["user_model"]}


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Acme Shop", "acme_shop"),
        ("My-Great Site", "my_great_site"),
        ("blog", "blog"),
        # A package name starts with a letter.
        ("2024 Shop", "project_2024_shop"),
    ],
)
def test_slug_is_derived_from_the_name(bare_cookiecutter, tmp_path, name, slug):
    result = run_cookiecutter(bare_cookiecutter, tmp_path, project_name=name)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / slug / "manage.py").is_file()


# Every distribution the requirements install, followed through their own
# requirements (extras as requested, every platform's markers), with the top-level
# modules each one installs; run by the interpreter of an environment that has them.
INSTALLED_CLOSURE = """
import json, re, sys
from importlib import metadata
from packaging.requirements import Requirement

names, seen, todo = set(), set(), [Requirement(line) for line in sys.argv[1:]]
while todo:
    requirement = todo.pop()
    name = re.sub(r"[-_.]+", "-", requirement.name).lower()
    if (name, frozenset(requirement.extras)) in seen:
        continue
    seen.add((name, frozenset(requirement.extras)))
    names.add(name)
    try:
        distribution = metadata.distribution(name)
    except metadata.PackageNotFoundError:
        continue
    for line in distribution.requires or ():
        child = Requirement(line)
        marker = str(child.marker or "")
        if "extra" in marker and not any(
            child.marker.evaluate({"extra": extra}) for extra in requirement.extras
        ):
            continue
        todo.append(child)
    for path in distribution.files or ():
        top = path.parts[0]
        if top not in ("..", "__pycache__") and not top.endswith(
            (".dist-info", ".data", ".pth")
        ):
            names.add(top.split(".")[0])
print(json.dumps(sorted(names)))
"""


def test_no_name_the_project_installs_can_be_its_slug(tmp_path):
    """A slug naming any package pip installs with the project is refused."""
    environment = ready(DJANGO_LINES["5.2"])
    requirements = (
        *PROJECT_REQUIREMENTS,
        *PYPROJECT["build-system"]["requires"],
        "pip",
    )
    result = run((environment.python, "-c", INSTALLED_CLOSURE, *requirements), tmp_path)
    assert result.returncode == 0, result.stderr
    names = json.loads(result.stdout)
    assert {"django", "sqlparse", "asgiref", "pytest-django", "pip"} <= set(names)
    hook = render_hook("pre_gen_project", tmp_path)
    accepted = []
    for name in names:
        try:
            hook.validate_project_slug(re.sub(r"[-.]", "_", name.lower()))
        except ValueError:
            continue
        accepted.append(name)
    assert not accepted, f"add to INSTALLED_WITH_THE_PROJECT: {accepted}"


# The build backend pyproject.toml names, and the parser pip validates metadata with.
METADATA_TOOLS = VirtualEnvironment(
    "metadata", "3.11", (*PYPROJECT["build-system"]["requires"], "packaging>=24.2")
)
BUILD_METADATA = """
import json, sys
from pathlib import Path
import setuptools.build_meta
from packaging.metadata import Metadata

out = Path(sys.argv[1])
out.mkdir()
folder = setuptools.build_meta.prepare_metadata_for_build_wheel(str(out))
metadata = Metadata.from_email((out / folder / "METADATA").read_bytes(), validate=True)
print(json.dumps({
    "name": metadata.name,
    "summary": metadata.summary,
    "author_email": metadata.author_email,
}))
"""


@pytest.mark.parametrize(
    "answers",
    [
        pytest.param({"author_name": ""}, id="no-author-name"),
        pytest.param({"author_email": "o'neil+shop@bücher.de"}, id="email-idn"),
        pytest.param(
            {
                "author_name": 'Ann "A." O\'Neil, Jr. \\',
                "description": "Ünïcode ☃ 'quoted' \\ text ''",
            },
            id="quotes",
        ),
        pytest.param({"project_slug": "a"}, id="one-letter-slug"),
        pytest.param({"project_slug": "acme__shop_2"}, id="double-underscore"),
        pytest.param({"project_name": "2024 Shop"}, id="name-from-digits"),
    ],
)
def test_accepted_answers_give_valid_metadata(bare_cookiecutter, tmp_path, answers):
    """setuptools builds metadata that pip's own parser accepts, for every answer."""
    tools = ready(METADATA_TOOLS)
    result = run_cookiecutter(bare_cookiecutter, tmp_path, **answers)
    assert result.returncode == 0, result.stderr
    (project,) = (path.parent for path in tmp_path.glob("*/pyproject.toml"))
    result = run((tools.python, "-c", BUILD_METADATA, tmp_path / "out"), project)
    assert result.returncode == 0, result.stderr[-3000:]
    # setuptools reports its work on stdout first.
    metadata = json.loads(result.stdout.splitlines()[-1])
    assert metadata["name"] == project.name
    if "description" in answers:
        assert metadata["summary"] == answers["description"]
    assert answers.get("author_email", "you@example.com") in metadata["author_email"]
