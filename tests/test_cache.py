"""A generated project's cache is shared by its processes: Redis, or the database."""

import shutil
import socket
import subprocess
import time
import uuid

import pytest

from tests.conftest import DJANGO_LINES, run, unavailable
from tests.test_production import free_port

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


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory):
    """A private Redis server on a free port; skipped (failed in CI) without one."""
    server = shutil.which("redis-server")
    if server is None:
        unavailable(
            "no redis-server: install it (Debian: apt-get install redis-server)"
        )
    port = free_port()
    # Nothing is saved to disk; the working folder is a private one all the same.
    command = [server, "--bind", "127.0.0.1", "--port", str(port)]
    command += ["--save", "", "--appendonly", "no"]
    command += ["--dir", str(tmp_path_factory.mktemp("redis"))]
    process = subprocess.Popen(
        command,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_pong(process, port)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=30)


def wait_for_pong(process, port, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"redis-server exited with status {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as client:
                client.sendall(b"PING\r\n")
                if client.recv(16).startswith(b"+PONG"):
                    return
        except OSError:
            pass
        time.sleep(0.1)
    pytest.fail(f"redis-server did not answer on port {port} within {timeout} s")


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
