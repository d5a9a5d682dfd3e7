"""Each generated project as an image: built, released, served, and run by compose.

Building an image costs about a minute, so one choice is built per run, in turn
(tests.conftest.choices_in_turn).
"""

import contextlib
import hashlib
import http.client
import http.cookies
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode

import pyotp
import pytest
from filelock import FileLock

from tests.conftest import (
    choices_in_turn,
    free_port,
    fresh_postgres_database,
    unavailable,
)
from tests.environments import VENVS_DIR
from tests.test_matrix import STRONG_SECRET_KEY

STAND_INS = Path(__file__).resolve().parent / "stand_ins"
# A Debian trixie root file system with Python, made by debootstrap the first time
# and kept in podman's image store for the next runs. Where a registry answers, an
# official image may be named instead, such as python:3.13-slim.
LOCAL_PYTHON_IMAGE = "localhost/template-test-python:trixie"
PYTHON_IMAGE = os.environ.get("TEMPLATE_TEST_PYTHON_IMAGE", LOCAL_PYTHON_IMAGE)
# The image installs the newest Django the project allows.
LINE = "6.1"
# podman asks for more open files and processes than some hosts allow; runc, where
# it is installed, also runs on hosts whose cgroups crun refuses.
LIMITS = ("--ulimit", "nofile=1024:1024", "--ulimit", "nproc=1024:1024")
RUNTIME = ("--runtime", "runc") if shutil.which("runc") else ()
# pip in the project's build checks certificates against this machine's
# authorities, as behind a proxy that inspects TLS. (apt, in the stand-ins' builds,
# installs into that folder, and fetches over plain HTTP.)
CERTIFICATES = (
    ("--volume", "/etc/ssl/certs:/etc/ssl/certs:ro")
    if Path("/etc/ssl/certs").is_dir()
    else ()
)
PASSWORD = "a long passphrase for the image"


IMAGE_CHOICE_PARAMS = [
    pytest.param(choice, id=choice, marks=pytest.mark.xdist_group(f"{choice}-{LINE}"))
    for choice in choices_in_turn()
]


def podman(*arguments, check=True, **options):
    result = subprocess.run(
        ["podman", *map(str, arguments)],
        capture_output=True,
        text=True,
        check=False,
        **options,
    )
    if check and result.returncode != 0:
        pytest.fail(
            f"podman {' '.join(map(str, arguments))} failed:\n"
            f"{result.stdout}\n{result.stderr}"
        )
    return result


def image_exists(name):
    return podman("image", "exists", name, check=False).returncode == 0


def build(context, tag, *options, **build_args):
    """Build an image with this machine's network, as a CI runner builds it."""
    podman(
        "build",
        *RUNTIME,
        *LIMITS,
        *options,
        "--network",
        "host",
        *(f"--build-arg={name}={value}" for name, value in build_args.items()),
        "--tag",
        tag,
        context,
    )


def make_local_python_image():
    """Import a Debian trixie root file system with Python 3 as an image."""
    if shutil.which("debootstrap") is None or os.geteuid() != 0:
        unavailable(
            "the Debian base image needs debootstrap, run as root; or set "
            "TEMPLATE_TEST_PYTHON_IMAGE to an image podman can pull"
        )
    with tempfile.TemporaryDirectory(prefix="python-image-") as root:
        subprocess.run(
            [
                "debootstrap",
                "--variant=minbase",
                "--include=python3,python3-venv",
                "trixie",
                root,
            ],
            check=True,
            capture_output=True,
        )
        archive = subprocess.Popen(
            ["tar", "-C", root, "-c", "."], stdout=subprocess.PIPE
        )
        podman("import", "-", LOCAL_PYTHON_IMAGE, stdin=archive.stdout)
        assert archive.wait() == 0


def image_lock(name):
    VENVS_DIR.mkdir(parents=True, exist_ok=True)
    return FileLock(str(VENVS_DIR / f"{name}.lock"))


@pytest.fixture(scope="session")
def python_image():
    """The base the images are built on, made or pulled once per machine."""
    if shutil.which("podman") is None:
        unavailable("no podman: install it (Debian: apt-get install podman runc)")
    with image_lock("python-image"):
        if not image_exists(PYTHON_IMAGE):
            if PYTHON_IMAGE == LOCAL_PYTHON_IMAGE:
                make_local_python_image()
            else:
                podman("pull", PYTHON_IMAGE)
    return PYTHON_IMAGE


@pytest.fixture(scope="session")
def postgres_image(python_image):
    """A stand-in for the official postgres image, built from the same base."""
    folder = STAND_INS / "postgres"
    content = b"".join(path.read_bytes() for path in sorted(folder.iterdir()))
    tag = f"localhost/template-test-postgres:{hashlib.sha256(content).hexdigest()[:12]}"
    with image_lock("postgres-image"):
        if not image_exists(tag):
            build(folder, tag, BASE_IMAGE=python_image)
    return tag


@pytest.fixture(scope="session")
def project_image(generate, python_image, tmp_path_factory):
    """Return a function giving a choice's image, built once per run."""
    images = {}

    def image(choice):
        if choice not in images:
            context = tmp_path_factory.mktemp(f"image-{choice}") / "project"
            shutil.copytree(generate(choice, LINE), context)
            # What a developer's folder holds beside the code (.env is there
            # already), none of which may enter the image.
            (context / "db.sqlite3").write_text("local data")
            (context / "compose.env").write_text(f"SECRET_KEY={STRONG_SECRET_KEY}\n")
            (context / ".venv" / "bin").mkdir(parents=True)
            (context / ".git").mkdir()
            (context / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
            # One tag per choice: the next run's build reuses its layers.
            tag = f"localhost/template-test-{choice.replace('_', '-')}:latest"
            build(context, tag, *CERTIFICATES, PYTHON_IMAGE=python_image)
            images[choice] = tag
        return images[choice]

    return image


def environment_flags(environment):
    for name, value in environment.items():
        yield from ("--env", f"{name}={value}")


def run_once(image, environment, *command, volumes=()):
    """Run a one-off container of the image, as a release step runs."""
    return podman(
        "run",
        "--rm",
        *RUNTIME,
        *LIMITS,
        "--network",
        "host",
        *environment_flags(environment),
        *(f"--volume={volume}" for volume in volumes),
        image,
        *command,
        check=False,
    )


@contextlib.contextmanager
def started(image, environment, *command, volumes=()):
    """A container of the image in the background, with a read-only root."""
    name = f"template-test-{uuid.uuid4().hex[:12]}"
    podman(
        "run",
        "--detach",
        "--name",
        name,
        "--read-only",
        *RUNTIME,
        *LIMITS,
        "--network",
        "host",
        *environment_flags(environment),
        *(f"--volume={volume}" for volume in volumes),
        image,
        *command,
    )
    try:
        yield name
    finally:
        podman("rm", "--force", "--time", "2", name, check=False)


def logs(name):
    result = podman("logs", name, check=False)
    return result.stdout + result.stderr


def wait_until_listening(name, port, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        running = podman("inspect", "--format", "{{.State.Running}}", name)
        if running.stdout.strip() != "true":
            pytest.fail(f"the container stopped:\n{logs(name)}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
        except OSError:
            time.sleep(0.2)
        else:
            return
    pytest.fail(f"nothing listened on {port} within {timeout} s:\n{logs(name)}")


class Client:
    """One visitor's HTTP requests, forwarded as the HTTPS proxy would unless told."""

    def __init__(self, port, *, host="localhost", forwarded=True):
        self.port, self.host = port, host
        self.forwarded = {"X-Forwarded-Proto": "https"} if forwarded else {}
        self.origin = f"https://{host}" if forwarded else f"http://{host}:{port}"
        self.cookies = {}

    def request(self, method, path, fields=None, headers=None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        sent = {"Host": self.host, **self.forwarded, **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if fields is not None:
            body = urlencode(fields)
            sent["Content-Type"] = "application/x-www-form-urlencoded"
            sent["Origin"] = self.origin
        connection.request(method, path, body=body, headers=sent)
        response = connection.getresponse()
        content = response.read().decode()
        connection.close()
        for header in response.headers.get_all("Set-Cookie") or ():
            for name, morsel in http.cookies.SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return response, content

    def get(self, path, headers=None):
        return self.request("GET", path, headers=headers)

    def submit(self, path, **fields):
        """Open a form's page and send it with its CSRF token."""
        response, page = self.get(path)
        assert response.status == 200, (path, response.status, page)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
        return self.request("POST", path, {"csrfmiddlewaretoken": token, **fields})

    def follow(self, response):
        assert response.status == 302, (response.status, response.headers)
        location = re.sub(r"^https?://[^/]+", "", response.headers["Location"])
        return self.get(location)


def site_environment(database_url, port):
    return {
        "SECRET_KEY": STRONG_SECRET_KEY,
        "ALLOWED_HOSTS": "localhost",
        "SITE_URL": "https://localhost",
        # Mail is printed in the worker's log, where the tests read its links.
        "EMAIL_URL": "consolemail://",
        "DATABASE_URL": database_url,
        "SECURE_PROXY_SSL_HEADER": "True",
        "PORT": str(port),
        "WEB_WORKERS": "1",
        "WEB_THREADS": "2",
    }


def release(image, environment, choice, volumes=()):
    """The documented release steps: migrate, then the first administrator."""
    migrate = run_once(
        image,
        environment,
        "python",
        "manage.py",
        "migrate",
        "--no-input",
        volumes=volumes,
    )
    assert migrate.returncode == 0, migrate.stdout + migrate.stderr
    administrator = run_once(
        image,
        {
            **environment,
            "DJANGO_SUPERUSER_USERNAME": "admin",
            "DJANGO_SUPERUSER_EMAIL": "admin@example.com",
            "DJANGO_SUPERUSER_PASSWORD": PASSWORD,
        },
        "python",
        "manage.py",
        "createsuperuser",
        "--noinput",
        volumes=volumes,
    )
    assert administrator.returncode == 0, administrator.stdout + administrator.stderr
    return "admin@example.com" if choice == "abstract_base_user" else "admin"


def assert_the_site_works(port, worker, choice, administrator):
    """Health, styled admin, sign-up, log-in: what a visitor and an admin meet."""
    probe = Client(port, host="10.0.0.7:8000", forwarded=False)
    response, body = probe.get("/healthz")
    assert (response.status, body) == (200, "ok\n")
    response, _ = probe.get("/")
    assert response.status == 400
    response, _ = Client(port, forwarded=False).get("/")
    assert response.status == 301
    assert response.headers["Location"] == "https://localhost/"

    # The admin's log-in is the site's, and the admin opens to staff once they
    # have set up a second factor.
    admin = Client(port)
    response, _ = admin.get("/admin/")
    response, _ = admin.follow(response)
    response = admin.submit(
        "/accounts/login/?next=/admin/", username=administrator, password=PASSWORD
    )[0]
    # To the admin, which hands over to its log-in, which asks for a factor.
    for _ in range(2):
        response, _ = admin.follow(response)
    set_up = re.sub(r"^https?://[^/]+", "", response.headers["Location"])
    assert set_up.startswith("/accounts/account/two-factor/"), set_up
    response, page = admin.follow(response)
    secret = re.search(r'<code class="secret">([^<]+)</code>', page)[1]
    code = pyotp.TOTP(secret.replace(" ", "")).now()
    response, page = admin.submit(set_up, otp_token=code)
    assert page.count("<code>") == 10
    response, page = admin.get("/admin/")
    assert response.status == 200
    assert "Site administration" in page
    stylesheets = re.findall(r'<link rel="stylesheet" href="([^"]+)"', page)
    assert stylesheets, page
    for stylesheet in stylesheets:
        css, content = admin.get(stylesheet)
        assert css.status == 200, stylesheet
        assert css.headers["Content-Type"].startswith("text/css")
        assert content

    visitor = Client(port)
    response, page = visitor.submit(
        "/accounts/signup/",
        username="ada",
        email="ada@example.com",
        password1=PASSWORD,
        password2=PASSWORD,
        date_of_birth="1990-04-01",
        phone_number="+44 20 7946 0000",
    )
    login = "ada"
    if choice == "abstract_base_user":
        # The account opens from a mailed link, which the worker sends.
        login = "ada@example.com"
        link = mailed_link(worker, "/activate/")
        response, _ = visitor.submit(link, password=PASSWORD)
    response, page = visitor.follow(response)
    assert f"You are logged in as {login}" in page

    returning = Client(port)
    response, _ = returning.submit(
        "/accounts/login/", username=login, password=PASSWORD
    )
    response, page = returning.follow(response)
    assert f"You are logged in as {login}" in page


def mailed_link(worker, containing, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        links = re.findall(rf"https://localhost(\S*{containing}\S*)", logs(worker))
        if links:
            return links[-1]
        time.sleep(0.5)
    pytest.fail(f"the worker sent no mail with {containing}:\n{logs(worker)}")


@pytest.mark.parametrize("choice", IMAGE_CHOICE_PARAMS)
def test_image_holds_nothing_local_and_runs_unprivileged(project_image, choice):
    """No .env, database, history or virtual environment; a user other than root."""
    image = project_image(choice)
    listing = run_once(image, {}, "sh", "-c", "id -u; ls -A /app")
    assert listing.returncode == 0, listing.stderr
    uid, *files = listing.stdout.split()
    assert uid != "0"
    assert {"manage.py", "gunicorn.conf.py", "staticfiles"} <= set(files)
    assert not {".env", "compose.env", "db.sqlite3", ".git", ".venv"} & set(files)


@pytest.mark.parametrize("choice", IMAGE_CHOICE_PARAMS)
def test_image_serves_the_site_from_sqlite_on_a_volume(project_image, choice):
    """Release steps, then the server and the worker from the image, DEBUG off."""
    image = project_image(choice)
    volume = f"template-test-{uuid.uuid4().hex[:12]}"
    port = free_port()
    environment = site_environment("sqlite:////data/db.sqlite3", port)
    volumes = (f"{volume}:/data",)
    try:
        administrator = release(image, environment, choice, volumes)
        with (
            started(image, environment, volumes=volumes) as web,
            started(
                image,
                environment,
                "python",
                "manage.py",
                "db_worker",
                volumes=volumes,
            ) as worker,
        ):
            wait_until_listening(web, port)
            assert_the_site_works(port, worker, choice, administrator)
            output = logs(web)
    finally:
        podman("volume", "rm", "--force", volume, check=False)
    # gunicorn's access log, on the container's output.
    assert '"GET /healthz HTTP/1.1" 200' in output


@pytest.mark.parametrize("choice", IMAGE_CHOICE_PARAMS)
def test_image_serves_the_site_from_postgres_and_outlives_an_outage(
    project_image, postgres_url, choice
):
    """/healthz says 503 while the database is gone, and 200 once it is back."""
    image = project_image(choice)
    name = f"template_image_{choice}"
    database_url = fresh_postgres_database(postgres_url, name)
    port = free_port()
    environment = site_environment(database_url, port)
    administrator = release(image, environment, choice)
    with (
        started(image, environment) as web,
        started(image, environment, "python", "manage.py", "db_worker") as worker,
    ):
        wait_until_listening(web, port)
        assert_the_site_works(port, worker, choice, administrator)
        podman("rm", "--force", "--time", "2", worker)
        probe = Client(port, host="10.0.0.7", forwarded=False)
        drop_database(postgres_url, name)
        response, body = probe.get("/healthz")
        assert (response.status, body) == (503, "unavailable\n")
        assert probe.get("/healthz")[0].status == 503
        fresh_postgres_database(postgres_url, name)
        response, body = probe.get("/healthz")
        assert (response.status, body) == (200, "ok\n")


def drop_database(server_url, name):
    import psycopg
    from psycopg import sql

    with psycopg.connect(server_url, autocommit=True) as connection:
        connection.execute(
            sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name))
        )


@pytest.mark.parametrize("choice", IMAGE_CHOICE_PARAMS)
def test_compose_stack_comes_up_healthy_and_goes_down(
    generate, project_image, postgres_image, tmp_path, choice
):
    """compose.yaml as a user starts it, with stand-ins for images from registries."""
    compose = shutil.which("podman-compose")
    if compose is None:
        unavailable(
            "no podman-compose: install it (Debian: apt-get install podman-compose)"
        )
    image = project_image(choice)
    project = shutil.copytree(generate(choice, LINE), tmp_path / "project")
    (project / "compose.env").write_text(f"SECRET_KEY={STRONG_SECRET_KEY}\n")
    (project / "stand-ins.yaml").write_text(
        "services:\n"
        f"  db:\n    image: {postgres_image}\n"
        + "".join(
            f"  {service}:\n    image: {image}\n"
            for service in ("release", "web", "worker")
        )
    )
    stack = f"template-test-{uuid.uuid4().hex[:8]}"
    port = free_port()

    def podman_compose(*arguments):
        result = subprocess.run(
            [
                compose,
                f"--podman-run-args={' '.join((*RUNTIME, *LIMITS))}",
                "--project-name",
                stack,
                "--file",
                "compose.yaml",
                "--file",
                "stand-ins.yaml",
                *arguments,
            ],
            cwd=project,
            env={**os.environ, "WEB_PORT": str(port)},
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        return result

    def wait_until_released(container, timeout=120):
        deadline = time.monotonic() + timeout
        state = ""
        while state != "exited 0":
            if time.monotonic() > deadline:
                pytest.fail(f"{container} did not succeed:\n{logs(container)}")
            time.sleep(1)
            state = podman(
                "inspect",
                "--format",
                "{{.State.Status}} {{.State.ExitCode}}",
                container,
            ).stdout.strip()

    def healthy(service):
        return (
            podman("healthcheck", "run", f"{stack}_{service}_1", check=False).returncode
            == 0
        )

    def wait_until_healthy(service, timeout=90):
        deadline = time.monotonic() + timeout
        while not healthy(service):
            if time.monotonic() > deadline:
                pytest.fail(
                    f"{service} was not healthy within {timeout} s:\n{logs(f'{stack}_{service}_1')}"
                )
            time.sleep(1)

    try:
        # As a user starts it. podman-compose 1.0 starts every service at once,
        # without waiting for the conditions of depends_on: the release step is
        # tried again until the database answers.
        podman_compose("up", "--detach", "--no-build")
        wait_until_released(f"{stack}_release_1")
        wait_until_healthy("db")
        wait_until_healthy("web")
        visitor = Client(port, host="localhost", forwarded=False)
        response, page = visitor.get("/")
        assert response.status == 200
        assert "/static/css/site." in page
        running = podman(
            "inspect", "--format", "{{.State.Running}}", f"{stack}_worker_1"
        )
        assert running.stdout.strip() == "true", logs(f"{stack}_worker_1")
    finally:
        podman_compose("down", "--volumes", "--timeout", "5")
        podman("network", "rm", "--force", f"{stack}_default", check=False)
    left = podman(
        "ps", "--all", "--quiet", "--filter", f"label=io.podman.compose.project={stack}"
    )
    assert left.stdout.strip() == ""
    volume = podman("volume", "exists", f"{stack}_db-data", check=False)
    assert volume.returncode != 0
