import logging
from unittest import mock

import pytest
from django.db import OperationalError, connection

pytestmark = pytest.mark.django_db


@pytest.fixture
def production(settings):
    """Settings as a server has them: DEBUG off, one host name, HTTPS enforced."""
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["www.example.com"]
    settings.SECURE_SSL_REDIRECT = True
    return settings


def test_healthz_answers_200_while_the_database_answers(
    client, django_assert_num_queries
):
    """One query, no session cookie, and a body that says nothing else."""
    with django_assert_num_queries(1):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Cache-Control"] == "no-store"
    assert not response.cookies


def test_healthz_answers_503_while_the_database_does_not(client):
    """An unreachable database is a 503 that names neither the error nor the server."""
    refused = OperationalError('connection to server at "10.0.0.5" failed')
    with mock.patch.object(connection, "ensure_connection", side_effect=refused):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.content == b"unavailable\n"
    assert response["Cache-Control"] == "no-store"


def test_a_failed_probe_is_one_warning_and_no_error_mail(client, caplog):
    """During an outage each probe logs a warning, not an error mailed to ADMINS."""
    errors = []
    handler = logging.Handler()
    handler.emit = errors.append
    logging.getLogger("django.request").addHandler(handler)
    refused = OperationalError("connection refused")
    try:
        with mock.patch.object(connection, "ensure_connection", side_effect=refused):
            assert client.get("/healthz").status_code == 503
    finally:
        logging.getLogger("django.request").removeHandler(handler)
    assert errors == []
    assert [(record.name, record.levelname) for record in caplog.records] == [
        ("website.health", "WARNING")
    ]


def test_healthz_answers_a_probe_by_address_over_plain_http(client, production):
    """A probe uses the server's own address and no proxy header."""
    response = client.get("/healthz", headers={"host": "10.1.2.3:8000"})
    assert response.status_code == 200


def test_other_paths_still_refuse_unknown_hosts(client, production):
    """Only /healthz skips host validation."""
    assert client.get("/", headers={"host": "10.1.2.3:8000"}).status_code == 400
    assert client.get("/healthz/", headers={"host": "10.1.2.3"}).status_code == 400


def test_other_paths_still_redirect_to_https(client, production):
    """Only /healthz is served over plain HTTP."""
    response = client.get("/", headers={"host": "www.example.com"})
    assert response.status_code == 301
    assert response["Location"] == "https://www.example.com/"


def test_a_head_request_gets_no_body(client):
    """Uptime monitors that send HEAD get the status alone."""
    response = client.head("/healthz")
    assert response.status_code == 200
    assert response.content == b""


def test_healthz_changes_nothing_and_refuses_other_methods(client):
    """A POST gets 405 and names the methods that are answered."""
    response = client.post("/healthz")
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
