"""The hooks, rendered and imported as modules, and bad answers end to end."""

import importlib.util
import json

import pytest
from jinja2 import Environment, StrictUndefined

from tests.conftest import TEMPLATE_DIR, run_cookiecutter

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
    """Render a hook as cookiecutter would, and import it."""
    source = (TEMPLATE_DIR / "hooks" / f"{name}.py").read_text()
    rendered = (
        Environment(undefined=StrictUndefined, keep_trailing_newline=True)
        .from_string(source)
        .render(cookiecutter={**GOOD_ANSWERS, **answers})
    )
    path = tmp_path / f"{name}.py"
    path.write_text(rendered)
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


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
        {"project_slug": "acme-shop"}, "not a valid Python identifier", id="slug-hyphen"
    ),
    pytest.param(
        {"project_slug": "1shop"}, "not a valid Python identifier", id="slug-digit"
    ),
    pytest.param(
        {"project_slug": "Acme"}, "not a valid Python identifier", id="slug-upper"
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
        {"author_email": "ann at example"}, "not an email address", id="email"
    ),
    pytest.param(
        {"time_zone": "Mars/Olympus"}, "time zone 'Mars/Olympus' is unknown", id="tz"
    ),
    pytest.param({"description": "a\nb"}, "line break", id="multiline-description"),
    pytest.param(
        {"author_name": "x'''y"}, "three single quotes", id="toml-breaking-name"
    ),
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
    [("Acme Shop", "acme_shop"), ("My-Great Site", "my_great_site"), ("blog", "blog")],
)
def test_slug_is_derived_from_the_name(bare_cookiecutter, tmp_path, name, slug):
    result = run_cookiecutter(bare_cookiecutter, tmp_path, project_name=name)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / slug / "manage.py").is_file()
