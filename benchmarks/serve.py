"""Load a generated project served as in production; print throughput and latency.

    python benchmarks/serve.py [--choice abstract_user] [--line 5.2]
                               [--postgres URL] [--burst 2000]

The project is deployed as its README says (no .env, DEBUG off, behind an HTTPS
proxy whose header the client sends itself) and served by gunicorn with its
default configuration. These loads run against each database:

- the home page, at concurrency 20;
- logins (a real password hash each), at concurrency 20;
- a write burst of logouts (each deletes its session row), at concurrency 40;
- 300 sign-ups at once (a real password hash and an insert each), at concurrency
  100, which SQLite must queue without a "database is locked" error;
- 1000 password resets from one client, at concurrency 20: past the first
  MAIL_LIMIT_PER_CLIENT (20) the mail limit holds each one back, so this is the
  page's cost under a flood.

The target for every run is 0 errors; the error count is printed, never asserted.
PostgreSQL is measured when --postgres or TEMPLATE_TEST_DATABASE_URL names a server.
"""

import argparse
import http.client
import os
import re
import shutil
import socket
import statistics
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

from common import (
    DJANGO_LINES,
    clean_environment,
    ensure,
    fresh_postgres_database,
    generation_command,
)

SECRET_KEY = "bench-Jx4-vQ9_rT2zL7mN0pK5sW8yB3cF6hD1gA-uE4iO7qR0tY3wZ6xV9nM2bC5jH8lP"
PASSWORD = "a benchmark passphrase"
HOST = "localhost"
USERS = 50
SIGN_UPS = 300
RESETS = 1000

# Creates the users who log in and one open session per logout of the burst.
PREPARE = """
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.sessions.backends.db import SessionStore
from django.db import transaction

User = get_user_model()
users, sessions = {users}, {sessions}
field = User.USERNAME_FIELD
hashed = make_password({password!r})
with transaction.atomic():
    User.objects.bulk_create(
        User(**{{field: f"user{{n}}@example.com", "password": hashed}})
        for n in range(users)
    )
member = User.objects.get(**{{field: "user0@example.com"}})
keys = []
with transaction.atomic():
    for _ in range(sessions):
        store = SessionStore()
        store[SESSION_KEY] = str(member.pk)
        store[BACKEND_SESSION_KEY] = "{backend}"
        store[HASH_SESSION_KEY] = member.get_session_auth_hash()
        store.create()
        keys.append(store.session_key)
print("\\n".join(keys))
"""


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def generate(environment, output_dir, choice):
    subprocess.run(
        generation_command(environment, output_dir, choice),
        env=clean_environment(),
        check=True,
        capture_output=True,
    )
    project = Path(output_dir) / "my_project"
    (project / ".env").unlink()
    return project


class Client:
    """One keep-alive connection, sending requests as the HTTPS proxy forwards them."""

    def __init__(self, port, csrf):
        # Long enough for the last of a burst of password hashes queued behind the rest.
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
        self.csrf = csrf

    def request(self, method, path, form=None, cookies=None):
        headers = {"Host": HOST, "X-Forwarded-Proto": "https"}
        body = None
        if form is not None:
            cookie, token = self.csrf
            cookies = {"csrftoken": cookie, **(cookies or {})}
            body = urlencode({**form, "csrfmiddlewaretoken": token})
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = f"https://{HOST}"
        if cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            response.read()
        except (OSError, http.client.HTTPException):
            self.connection.close()
            return 0, response_headers_of(None)
        return response.status, response_headers_of(response)


def response_headers_of(response):
    return {} if response is None else dict(response.getheaders())


def csrf_pair(port):
    """A CSRF cookie and a form token from the login page, reusable for every POST."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request(
        "GET", "/accounts/login/", headers={"Host": HOST, "X-Forwarded-Proto": "https"}
    )
    response = connection.getresponse()
    page = response.read().decode()
    cookie = re.search(r"csrftoken=([^;]+)", response.getheader("Set-Cookie"))[1]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
    connection.close()
    return cookie, token


def load(port, csrf, requests, concurrency, send):
    """Run `requests` calls of send(client, n) on `concurrency` threads."""
    latencies, errors, counter, lock = [], [], iter(range(requests)), threading.Lock()

    def worker():
        client = Client(port, csrf)
        while True:
            with lock:
                n = next(counter, None)
            if n is None:
                return
            started = time.perf_counter()
            ok = send(client, n)
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                if not ok:
                    errors.append(n)

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    latencies.sort()
    return {
        "requests": requests,
        "concurrency": concurrency,
        "errors": len(errors),
        "rps": requests / wall,
        "p50": statistics.median(latencies) * 1000,
        "p99": latencies[max(0, int(len(latencies) * 0.99) - 1)] * 1000,
    }


def run_database(environment, project, database, database_url, burst):
    python = environment.python
    bin_dir = python.parent
    port = free_port()
    settings = {
        "SECRET_KEY": SECRET_KEY,
        "ALLOWED_HOSTS": HOST,
        "SITE_URL": f"https://{HOST}",
        "SECURE_PROXY_SSL_HEADER": "True",
        "DATABASE_URL": database_url,
        "PORT": str(port),
        "LOG_LEVEL": "WARNING",
        # Sign-up mails a link where the address is the login; printed, unseen.
        "EMAIL_URL": "consolemail://",
        "PATH": os.pathsep.join((str(bin_dir), os.environ["PATH"])),
    }
    for command in (("migrate", "--no-input"), ("collectstatic", "--no-input")):
        subprocess.run(
            [python, "manage.py", *command],
            cwd=project,
            env=clean_environment(**settings),
            check=True,
            capture_output=True,
        )
    backend = "django.contrib.auth.backends.ModelBackend"
    if (project / "users" / "backends.py").is_file():
        backend = "users.backends.ProfileBackend"
    prepared = subprocess.run(
        [python, "manage.py", "shell", "-c", setup_script(backend, burst)],
        cwd=project,
        env=clean_environment(**settings),
        check=True,
        capture_output=True,
        text=True,
    )
    session_keys = prepared.stdout.split()
    log = tempfile.TemporaryFile("w+")  # noqa: SIM115 - read after the server stops
    server = subprocess.Popen(
        [bin_dir / "gunicorn"],
        cwd=project,
        env=clean_environment(**settings),
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    try:
        wait_for(port, server)
        csrf = csrf_pair(port)
        field = "username"
        results = {
            "home page": load(
                port, csrf, 2000, 20, lambda c, n: c.request("GET", "/")[0] == 200
            ),
            "logins": load(
                port,
                csrf,
                200,
                20,
                lambda c, n: (
                    c.request(
                        "POST",
                        "/accounts/login/",
                        form={
                            field: f"user{n % USERS}@example.com",
                            "password": PASSWORD,
                        },
                    )[0]
                    == 302
                ),
            ),
            "logout burst": load(
                port,
                csrf,
                burst,
                40,
                lambda c, n: (
                    c.request(
                        "POST",
                        "/accounts/logout/",
                        form={},
                        cookies={"sessionid": session_keys[n]},
                    )[0]
                    == 302
                ),
            ),
            "sign-up burst": load(
                port,
                csrf,
                SIGN_UPS,
                100,
                lambda c, n: (
                    c.request("POST", "/accounts/signup/", form=sign_up_form(n))[0]
                    == 302
                ),
            ),
            "reset, limited": load(
                port,
                csrf,
                RESETS,
                20,
                lambda c, n: (
                    c.request(
                        "POST",
                        "/accounts/password_reset/",
                        form={"email": f"user{n % USERS}@example.com"},
                    )[0]
                    == 302
                ),
            ),
        }
    finally:
        server.terminate()
        server.wait(timeout=30)
    log.seek(0)
    server_errors = sum(" ERROR " in line for line in log)
    for result in results.values():
        result["database"] = database
    return results, server_errors


def sign_up_form(n):
    """A new account's form; each choice reads the fields it has."""
    return {
        "username": f"newcomer{n}",
        "email": f"newcomer{n}@example.com",
        "password1": PASSWORD,
        "password2": PASSWORD,
    }


def setup_script(backend, sessions):
    return PREPARE.format(
        password=PASSWORD, backend=backend, users=USERS, sessions=sessions
    )


def wait_for(port, server, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("gunicorn exited before listening")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("gunicorn did not listen in time")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--choice", default="abstract_user")
    parser.add_argument("--line", default="5.2", choices=sorted(DJANGO_LINES))
    parser.add_argument("--burst", type=int, default=2000)
    parser.add_argument(
        "--postgres", default=os.environ.get("TEMPLATE_TEST_DATABASE_URL")
    )
    arguments = parser.parse_args()
    environment = ensure(DJANGO_LINES[arguments.line])
    print(
        f"{arguments.choice}, Django {arguments.line}, gunicorn with its default "
        f"configuration on {os.cpu_count()} cores; target: 0 errors in every run\n"
    )
    print(
        f"{'load':<14} {'database':<9} {'requests':>8} {'conc.':>5} {'errors':>6} "
        f"{'req/s':>7} {'p50 ms':>7} {'p99 ms':>8}"
    )
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        project = generate(environment, scratch, arguments.choice)
        databases = {"sqlite": f"sqlite:///{(scratch / 'bench.sqlite3').as_posix()}"}
        if arguments.postgres:
            databases["postgres"] = fresh_postgres_database(
                arguments.postgres, "template_bench_serve"
            )
        for database, url in databases.items():
            results, server_errors = run_database(
                environment, project, database, url, arguments.burst
            )
            for name, r in results.items():
                print(
                    f"{name:<14} {database:<9} {r['requests']:>8} "
                    f"{r['concurrency']:>5} {r['errors']:>6} {r['rps']:>7.1f} "
                    f"{r['p50']:>7.1f} {r['p99']:>8.1f}"
                )
            print(f"{'':<14} {database:<9} errors in the server's log: {server_errors}")
            shutil.rmtree(project / "staticfiles", ignore_errors=True)


if __name__ == "__main__":
    main()
