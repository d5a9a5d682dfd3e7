"""A generated project's cache is shared by its processes: Redis, or the database."""

import uuid

import pytest

from tests.conftest import DJANGO_LINES, run

# The cache settings are the same for every choice; one stands for all.
CHOICE = "abstract_user"
LINE_PARAMS = [
    pytest.param(
        line, id=f"django{line}", marks=pytest.mark.xdist_group(f"{CHOICE}-{line}")
    )
    for line in DJANGO_LINES
]
WRITE = (
    "import os; from django.core.cache import cache; "
    "cache.set('greeting', os.environ['GREETING'], 600)"
)
READ = "from django.core.cache import cache; print(cache.get('greeting'))"


def shell(line, project, code, **environment):
    result = run(
        (DJANGO_LINES[line].python, "manage.py", "shell", "-c", code),
        project,
        **environment,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


@pytest.mark.parametrize("line", LINE_PARAMS)
@pytest.mark.parametrize("cache", ["redis", "database"])
def test_what_one_process_caches_another_reads(
    generate, request, tmp_path, line, cache
):
    """A value one process caches is read by a second one, as gunicorn's workers do."""
    project = generate(CHOICE, line)
    # Both processes on one SQLite file, as the workers of one server.
    environment = {
        "DATABASE_URL": f"sqlite:///{(tmp_path / 'shared.sqlite3').as_posix()}",
        "GREETING": f"hello from {uuid.uuid4()}",
    }
    if cache == "redis":
        environment["CACHE_URL"] = request.getfixturevalue("redis_url")
    else:
        # The deploy steps' migrate alone readies the default cache.
        migrate = run(
            (DJANGO_LINES[line].python, "manage.py", "migrate", "--no-input"),
            project,
            **environment,
        )
        assert migrate.returncode == 0, migrate.stdout + migrate.stderr
    shell(line, project, WRITE, **environment)
    read = shell(line, project, READ, **environment)
    assert read.splitlines()[-1] == environment["GREETING"]
