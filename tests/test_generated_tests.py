"""The generated project's own tests speak with one voice in every choice."""

import ast

import pytest

from tests.conftest import CHOICE_PARAMS

# What conftest.py provides once, for every test of every choice.
SHARED_FIXTURES = {"password", "user", "terminal"}


def modules_below(project):
    return sorted(project.rglob("test_*.py"))


def defined_tests(tree):
    return [
        node
        for node in tree.body
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.name.startswith("test_")
    ]


@pytest.mark.parametrize("choice", CHOICE_PARAMS)
def test_every_user_model_test_states_its_behaviour(generate, choice):
    """Each test of the users app has a one-line docstring saying what it shows."""
    tests_dir = generate(choice) / "users" / "tests"
    for path in modules_below(tests_dir):
        for function in defined_tests(ast.parse(path.read_text())):
            docstring = ast.get_docstring(function)
            where = f"{path.name}::{function.name}"
            assert docstring, f"{where} has no docstring"
            assert "\n" not in docstring, f"{where} has more than one line"
            assert docstring.endswith("."), f"{where} is not a sentence"


@pytest.mark.parametrize("choice", CHOICE_PARAMS)
def test_shared_test_helpers_are_defined_once(generate, choice):
    """The password, the user and the fake terminal come from conftest.py only."""
    project = generate(choice)
    conftest = ast.parse((project / "conftest.py").read_text())
    fixtures = {
        node.name for node in conftest.body if isinstance(node, ast.FunctionDef)
    }
    assert fixtures >= SHARED_FIXTURES
    for path in modules_below(project):
        tree = ast.parse(path.read_text())
        assigned = {
            target.id
            for node in ast.walk(tree)
            if isinstance(node, ast.Assign)
            for target in node.targets
            if isinstance(target, ast.Name)
        }
        assert "PASSWORD" not in assigned, path.name
        methods = {
            node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)
        }
        assert "isatty" not in methods, f"{path.name} fakes a terminal of its own"


@pytest.mark.parametrize("choice", CHOICE_PARAMS)
def test_tests_reach_the_user_model_through_django(generate, choice):
    """No test imports auth.User directly: get_user_model() or django_user_model."""
    for path in modules_below(generate(choice)):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module == (
                "django.contrib.auth.models"
            ):
                names = {alias.name for alias in node.names}
                assert "User" not in names, path.name
