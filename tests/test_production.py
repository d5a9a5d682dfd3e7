"""Each generated project deployed as its README says: gunicorn, DEBUG off, HTTPS proxy."""

import http.client
import os
import re
import shutil
import socket
import subprocess
import time

import pytest

from tests.conftest import (
    CHOICES,
    DJANGO_LINES,
    clean_environment,
    free_port,
    fresh_postgres_database,
    run,
)
from tests.test_matrix import STRONG_SECRET_KEY, combination_params

ONE_YEAR = 365 * 24 * 60 * 60
DEPLOY_BLOCK = re.compile(r"<!-- deploy -->\n```bash\n(.*?)```", re.DOTALL)


class Server:
    """gunicorn serving a project copy, started from its own configuration file."""

    def __init__(self, project, line, environment, log_dir):
        self.port = environment["PORT"]
        self.stdout = (log_dir / "stdout.log").open("w+")
        self.stderr = (log_dir / "stderr.log").open("w+")
        self.process = subprocess.Popen(
            [str(DJANGO_LINES[line].python.parent / "gunicorn")],
            cwd=project,
            env=clean_environment(**environment),
            stdout=self.stdout,
            stderr=self.stderr,
        )

    def wait_until_listening(self, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"gunicorn exited early:\n{self.output()}")
            try:
                socket.create_connection(
                    ("127.0.0.1", int(self.port)), timeout=1
                ).close()
            except OSError:
                time.sleep(0.1)
            else:
                return
        pytest.fail(f"gunicorn did not listen within {timeout} s:\n{self.output()}")

    def get(self, path, headers=None):
        """Send a GET as the HTTPS proxy would forward it, unless told otherwise."""
        connection = http.client.HTTPConnection("127.0.0.1", int(self.port), timeout=30)
        forwarded = {"Host": "localhost", "X-Forwarded-Proto": "https"}
        connection.request("GET", path, headers={**forwarded, **(headers or {})})
        response = connection.getresponse()
        body = response.read()
        connection.close()
        return response, body

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def output(self):
        self.stderr.seek(0)
        return self.stderr.read()


def server_environment(**overrides):
    return {
        "SECRET_KEY": STRONG_SECRET_KEY,
        "ALLOWED_HOSTS": "localhost",
        "SITE_URL": "https://localhost",
        # check --deploy asks for a mail server; none is reached in these tests.
        "EMAIL_URL": "smtp://localhost:25",
        "SECURE_PROXY_SSL_HEADER": "True",
        "PORT": str(free_port()),
        "WEB_WORKERS": "1",
        "WEB_THREADS": "2",
        **overrides,
    }


def deployed_copy(generate, choice, line, tmp_path):
    """The project as a server holds it: no .env, nothing built yet."""
    return shutil.copytree(
        generate(choice, line),
        tmp_path / "deployed",
        ignore=shutil.ignore_patterns(".env", "db.sqlite3", "staticfiles"),
    )


def manage(line, project, environment, *arguments):
    result = run(
        (DJANGO_LINES[line].python, "manage.py", *arguments), project, **environment
    )
    assert result.returncode == 0, f"{arguments}:\n{result.stdout}\n{result.stderr}"


@pytest.mark.parametrize(
    ("choice", "line", "database"), list(combination_params(with_databases=True))
)
def test_project_serves_a_styled_site_and_logs_its_errors(
    generate, request, tmp_path, record_property, choice, line, database
):
    """The README's deploy steps, then gunicorn on 127.0.0.1 with DEBUG off."""
    record_property("matrix", (choice, line, database))
    project = deployed_copy(generate, choice, line, tmp_path)
    if database == "postgres":
        server_url = request.getfixturevalue("postgres_url")
        name = f"template_served_{choice}_{line.replace('.', '')}"
        database_url = fresh_postgres_database(server_url, name)
    else:
        database_url = f"sqlite:///{(tmp_path / 'site.sqlite3').as_posix()}"
    environment = server_environment(DATABASE_URL=database_url)
    # The README's deploy block as written, its last line started as a server.
    *steps, start = DEPLOY_BLOCK.search((project / "README.md").read_text())[1].split(
        "\n"
    )[:-1]
    assert start == "gunicorn"
    bin_dir = DJANGO_LINES[line].python.parent
    path = os.pathsep.join((str(bin_dir), os.environ["PATH"]))
    result = run(("bash", "-euc", "\n".join(steps)), project, PATH=path, **environment)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (project / "staticfiles" / "staticfiles.json").is_file()
    # Without its table, every request that reads a session fails: a real 500.
    manage(line, project, environment, "migrate", "sessions", "zero", "--no-input")

    server = Server(project, line, environment, tmp_path)
    try:
        server.wait_until_listening()
        response, body = server.get("/accounts/login/")
        assert response.status == 200
        page_headers = response.headers
        stylesheets = re.findall(
            r'<link rel="stylesheet" href="([^"]+)"', body.decode()
        )
        assert stylesheets, body.decode()
        for stylesheet in stylesheets:
            css, content = server.get(stylesheet)
            assert css.status == 200, stylesheet
            assert css.headers["Content-Type"].startswith("text/css")
            assert content
            # Hashed names never change content, so browsers keep them for a year.
            max_age = int(re.search(r"max-age=(\d+)", css.headers["Cache-Control"])[1])
            assert max_age >= ONE_YEAR
        plain_http, _ = server.get("/", headers={"X-Forwarded-Proto": "http"})
        assert plain_http.status == 301
        assert plain_http.headers["Location"] == "https://localhost/"
        session = {"Cookie": "sessionid=" + "a" * 32}
        failing, _ = server.get("/", headers=session)
        assert failing.status == 500
    finally:
        server.stop()

    assert (
        page_headers["Strict-Transport-Security"] == "max-age=3600; includeSubDomains"
    )
    policy = page_headers["Content-Security-Policy"]
    if line == "5.2":
        assert policy is None
    else:
        assert "default-src 'self'" in policy
        assert "frame-ancestors 'none'" in policy
    errors = [
        line for line in server.output().splitlines() if "Internal Server Error" in line
    ]
    assert len(errors) == 1, server.output()
    assert "Traceback (most recent call last)" in errors[0]
    assert "django_session" in errors[0]


# A value a server must not start with, and what the message says.
BAD_SERVER_VALUES = [
    ({"SECRET_KEY": ""}, "SECRET_KEY is empty or too short"),
    ({"SECRET_KEY": "short"}, "SECRET_KEY is empty or too short"),
    ({"ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS is empty"),
    ({"DATABASE_URL": "garbage"}, "DATABASE_URL does not start with a known"),
    ({"DATABASE_URL": "sqlite://relative.db"}, "DATABASE_URL names a relative SQLite"),
    ({"SECURE_HSTS_SECONDS": "abc"}, "SECURE_HSTS_SECONDS='abc' is not a whole"),
    ({"EMAIL_URL": "garbage"}, "EMAIL_URL is not a mail URL"),
    ({"DEBUG": "False  # production"}, "DEBUG='False  # production' is neither"),
    ({"PORT": "http"}, "PORT='http' is not a whole number from 1 to 65535"),
    ({"WEB_WORKERS": "0"}, "WEB_WORKERS='0' is not a whole number of 1 or more"),
]


@pytest.mark.parametrize(
    "line",
    [
        pytest.param(line, marks=pytest.mark.xdist_group(f"{CHOICES[0]}-{line}"))
        for line in DJANGO_LINES
    ],
)
@pytest.mark.parametrize(
    ("values", "message"), BAD_SERVER_VALUES, ids=[str(v) for v, _ in BAD_SERVER_VALUES]
)
def test_bad_value_stops_the_server_with_one_line(
    generate, tmp_path, line, values, message
):
    """gunicorn and manage.py both exit at once with the message, no traceback."""
    project = deployed_copy(generate, CHOICES[0], line, tmp_path)
    environment = server_environment(**values)
    server = Server(project, line, environment, tmp_path)
    try:
        server.process.wait(timeout=30)
    finally:
        server.stop()
    output = server.output()
    assert server.process.returncode != 0
    lines = output.strip().splitlines()
    assert len(lines) == 1, output
    assert lines[0].startswith(f"Error: {message}")
    assert "Traceback" not in output
    if "PORT" in values or "WEB_WORKERS" in values:
        return  # gunicorn's own settings; manage.py does not read them
    result = run(
        (DJANGO_LINES[line].python, "manage.py", "check"), project, **environment
    )
    assert result.returncode == 1
    assert result.stderr.startswith(f"Error: {message}")
    assert "Traceback" not in result.stderr
