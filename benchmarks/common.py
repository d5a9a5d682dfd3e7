"""What the benchmark scripts share: the template tests' helpers, and generation."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.conftest import (
    CHOICES,
    DJANGO_LINES,
    clean_environment,
    fresh_postgres_database,
)
from tests.environments import BARE, TEMPLATE_DIR, ensure, find_python, find_uv

__all__ = [
    "BARE",
    "CHOICES",
    "DJANGO_LINES",
    "TEMPLATE_DIR",
    "clean_environment",
    "ensure",
    "find_python",
    "find_uv",
    "fresh_postgres_database",
    "generation_command",
]


def generation_command(environment, output_dir, choice):
    """Return the command generating my_project in output_dir, asking nothing."""
    return [
        environment.python,
        "-m",
        "cookiecutter",
        "--no-input",
        "--output-dir",
        output_dir,
        TEMPLATE_DIR,
        f"user_model={choice}",
    ]
