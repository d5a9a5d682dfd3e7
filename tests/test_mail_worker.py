"""Account mail in a deployed project: gunicorn counts and queues, the worker sends."""

import http.client
import json
import os
import re
import shlex
import shutil
import socket
import sqlite3
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing, contextmanager
from email import message_from_bytes, policy
from urllib.parse import urlencode, urlsplit

import pytest

from tests.conftest import DJANGO_LINES, clean_environment, free_port
from tests.test_production import Server, deployed_copy, manage, server_environment

# The queue and the limits are code every choice shares; one stands for all.
CHOICE = "abstract_base_user"
LINE_PARAMS = [
    pytest.param(
        line, id=f"django{line}", marks=pytest.mark.xdist_group(f"{CHOICE}-{line}")
    )
    for line in DJANGO_LINES
]
ACCOUNT = "reader@example.com"
CREATE_ACCOUNT = (
    "from django.contrib.auth import get_user_model; "
    f"get_user_model().objects.create_user(email={ACCOUNT!r}, "
    "password='a reader passphrase')"
)
RESET = "/accounts/password_reset/"
RESET_TASK = "users.mail.mail_password_reset"
# Generous: a request that waits on a silent mail server does not answer within it.
CLIENT_TIMEOUT = 10
# What the proxy appends to X-Forwarded-For: the address a client is counted under.
CLIENT = "203.0.113.7"
SPRAYING_CLIENT = "203.0.113.8"
MAIL_LIMIT_PER_ADDRESS = 5
MAIL_LIMIT_PER_CLIENT = 20


@pytest.fixture(scope="module")
def deployment(generate, tmp_path_factory):
    """Return a function giving a line's deployed project and a migrated database.

    Each test serves a copy of the database, so none sees another's queue or counts.
    """
    deployments = {}

    def deployed(line):
        if line not in deployments:
            folder = tmp_path_factory.mktemp(f"mail-{line}")
            project = deployed_copy(generate, CHOICE, line, folder)
            database = folder / "migrated.sqlite3"
            environment = server_environment(DATABASE_URL=sqlite_url(database))
            for arguments in (
                ("collectstatic", "--no-input"),
                ("migrate", "--no-input"),
                ("shell", "-c", CREATE_ACCOUNT),
            ):
                manage(line, project, environment, *arguments)
            deployments[line] = project, database
        return deployments[line]

    return deployed


def sqlite_url(path):
    return f"sqlite:///{path.as_posix()}"


def fresh_site(deployment, line, tmp_path, **overrides):
    """The project and a server environment on a copy of the migrated database."""
    project, migrated = deployment(line)
    database = tmp_path / "site.sqlite3"
    shutil.copyfile(migrated, database)
    return (
        project,
        database,
        server_environment(DATABASE_URL=sqlite_url(database), **overrides),
    )


@contextmanager
def serving(project, line, tmp_path, *environments):
    """gunicorn servers, one per environment, stopped whatever happens."""
    servers = []
    try:
        for number, environment in enumerate(environments):
            log_dir = tmp_path / f"server{number}"
            log_dir.mkdir()
            servers.append(Server(project, line, environment, log_dir))
        for server in servers:
            server.wait_until_listening()
        yield servers
    finally:
        for server in servers:
            server.stop()


@contextmanager
def silent_mail_server():
    """A port where connections open and nothing is ever said, as a stuck mail server."""
    # The kernel completes the handshakes into the backlog; the client then waits
    # for a greeting that never comes.
    with socket.create_server(("127.0.0.1", 0), backlog=64) as listener:
        yield listener.getsockname()[1]


def ask_for_reset(server, address, client=CLIENT):
    """Fill in the reset form as a client behind the HTTPS proxy; return the answer."""
    connection = http.client.HTTPConnection(
        "127.0.0.1", int(server.port), timeout=CLIENT_TIMEOUT
    )
    proxied = {
        "Host": "localhost",
        "X-Forwarded-Proto": "https",
        "X-Forwarded-For": client,
    }
    try:
        connection.request("GET", RESET, headers=proxied)
        page = connection.getresponse()
        form = page.read().decode()
        assert page.status == 200, form
        cookie = re.search(r"csrftoken=([^;]+)", page.headers["Set-Cookie"])[1]
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)[1]
        connection.request(
            "POST",
            RESET,
            body=urlencode({"email": address, "csrfmiddlewaretoken": token}),
            headers={
                **proxied,
                "Cookie": f"csrftoken={cookie}",
                "Origin": "https://localhost",
                "Content-Type": "application/x-www-form-urlencoded",
            },
        )
        response = connection.getresponse()
        response.read()
        return response
    finally:
        connection.close()


def queued(database, address=None):
    """The password-reset tasks in the queue (for one address), oldest first."""
    with closing(sqlite3.connect(database)) as connection:
        rows = connection.execute(
            "SELECT task_path, args_kwargs, status "
            "FROM django_tasks_database_dbtaskresult ORDER BY enqueued_at"
        ).fetchall()
    return [
        status
        for task_path, arguments, status in rows
        if task_path == RESET_TASK
        and (address is None or json.loads(arguments)["args"] == [address])
    ]


@pytest.mark.parametrize("line", LINE_PARAMS)
def test_a_silent_mail_server_does_not_hold_the_reset_page(deployment, tmp_path, line):
    """A reset asked while the mail server never answers is answered, and queued."""
    with silent_mail_server() as mail_port:
        project, database, environment = fresh_site(
            deployment, line, tmp_path, EMAIL_URL=f"smtp://127.0.0.1:{mail_port}"
        )
        with serving(project, line, tmp_path, environment) as (server,):
            try:
                response = ask_for_reset(server, ACCOUNT)
            except TimeoutError:
                pytest.fail(
                    f"no answer within {CLIENT_TIMEOUT} s: the request waits on "
                    f"the mail server\n{server.output()}"
                )
    assert response.status == 302
    assert response.headers["Location"] == "/accounts/password_reset/done/"
    assert queued(database, ACCOUNT) == ["READY"]


@pytest.mark.parametrize("line", LINE_PARAMS)
def test_the_procfile_worker_mails_the_reset_link(deployment, tmp_path, line):
    """The Procfile's worker sends the queued mail; its link opens the reset page."""
    outbox = tmp_path / "outbox"
    project, database, environment = fresh_site(
        deployment, line, tmp_path, EMAIL_URL=f"filemail:///{outbox.as_posix()}"
    )
    processes = dict(
        entry.split(":", 1)
        for entry in (project / "Procfile").read_text().splitlines()
        if entry.strip()
    )
    bin_dir = DJANGO_LINES[line].python.parent
    path = os.pathsep.join((str(bin_dir), os.environ["PATH"]))
    with (
        serving(project, line, tmp_path, environment) as (server,),
        (tmp_path / "worker.log").open("w+") as worker_log,
    ):
        assert ask_for_reset(server, ACCOUNT).status == 302
        assert queued(database, ACCOUNT) == ["READY"]
        worker = subprocess.Popen(
            shlex.split(processes["worker"]),
            cwd=project,
            env=clean_environment(PATH=path, **environment),
            stdout=worker_log,
            stderr=subprocess.STDOUT,
        )
        try:
            mails = wait_for_mail(outbox, worker, worker_log)
        finally:
            worker.terminate()
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()
        assert len(mails) == 1, mails
        message = read_mail(mails[0])
        assert message["To"] == ACCOUNT
        links = re.findall(r"\S+/accounts/reset/\S+", message.get_content())
        assert len(links) == 1, message.get_content()
        assert links[0].startswith("https://localhost/accounts/reset/")
        # The link is the account's: Django swaps its token for the form to set one.
        opened, _ = server.get(urlsplit(links[0]).path)
        worker_log.seek(0)
        assert worker.returncode == 0, worker_log.read()
    assert opened.status == 302
    assert opened.headers["Location"].endswith("/set-password/")
    assert queued(database, ACCOUNT) == ["SUCCESSFUL"]


def wait_for_mail(outbox, worker, log, timeout=30):
    """The files the file backend wrote into outbox, once there is one."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        mails = sorted(outbox.glob("*")) if outbox.is_dir() else []
        # The backend writes a file whole, then a line of dashes as it closes it.
        if mails and all(m.read_bytes().rstrip().endswith(b"-" * 79) for m in mails):
            return mails
        if worker.poll() is not None:
            break
        time.sleep(0.1)
    log.seek(0)
    pytest.fail(
        f"no mail within {timeout} s; the worker's status: {worker.poll()}\n"
        f"{log.read()}"
    )


def read_mail(path):
    """The message a file backend's file holds, without its closing line."""
    content = path.read_bytes().rpartition(b"\n" + b"-" * 79)[0]
    return message_from_bytes(content, policy=policy.default)


@pytest.mark.parametrize("line", LINE_PARAMS)
@pytest.mark.parametrize("cache", ["database", "redis"])
def test_mail_limits_hold_across_servers(deployment, request, tmp_path, line, cache):
    """Two servers of two workers each queue no more mail than the limits allow."""
    overrides = {"WEB_WORKERS": "2"}
    if cache == "redis":
        # A Redis database of the line's own, as the server is shared.
        database_number = 1 + list(DJANGO_LINES).index(line)
        base = request.getfixturevalue("redis_url").rpartition("/")[0]
        overrides["CACHE_URL"] = f"{base}/{database_number}"
    project, database, first = fresh_site(deployment, line, tmp_path, **overrides)
    second = {**first, "PORT": str(free_port())}
    burst = 2 * MAIL_LIMIT_PER_CLIENT
    with serving(project, line, tmp_path, first, second) as servers:
        # One address asked for again and again, from one client, on both servers.
        for number in range(MAIL_LIMIT_PER_ADDRESS + 3):
            response = ask_for_reset(servers[number % 2], ACCOUNT)
            assert response.status == 302
        # One client asking for many addresses at once, unknown ones, on both:
        # counts that two requests read at the same moment would let more by.
        with ThreadPoolExecutor(max_workers=MAIL_LIMIT_PER_CLIENT) as pool:
            answers = pool.map(
                lambda number: (
                    ask_for_reset(
                        servers[number % 2],
                        f"stranger{number}@example.com",
                        SPRAYING_CLIENT,
                    ).status
                ),
                range(burst),
            )
            assert set(answers) == {302}
    assert len(queued(database, ACCOUNT)) == MAIL_LIMIT_PER_ADDRESS
    assert len(queued(database)) == MAIL_LIMIT_PER_ADDRESS + MAIL_LIMIT_PER_CLIENT
    log = "".join(server.output() for server in servers)
    assert log.count("this address has had 5 mails this hour") == 3, log
    held_back = burst - MAIL_LIMIT_PER_CLIENT
    assert log.count("this client has had 20 mails this hour") == held_back, log
