import logging
import sys
from collections import deque
from itertools import count

import django
import pytest
from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils.html import escape
from django.views.generic import TemplateView

from website import logs
from website.logs import OneLineFormatter, ThrottledAdminEmailHandler

pytestmark = pytest.mark.django_db

# One more than Django's limits on query and form fields, on files and on the
# size of a request's body.
TOO_MANY_FIELDS = "&".join(
    f"f{n}=1" for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)
)
TOO_MANY_FILES = {
    f"f{n}": SimpleUploadedFile(f"{n}.txt", b"")
    for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FILES + 1)
}
TOO_BIG = "a=" + "a" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def fail(*args, **kwargs):
    raise RuntimeError("a bug")


def too_many_query_fields(client, monkeypatch):
    # The login page reads its "next" parameter from the query.
    return client.get(f"{reverse('login')}?{TOO_MANY_FIELDS}")


def too_many_form_fields(client, monkeypatch):
    return client.post(
        reverse("login"),
        TOO_MANY_FIELDS,
        content_type="application/x-www-form-urlencoded",
    )


def too_many_files(client, monkeypatch):
    return client.post(reverse("login"), TOO_MANY_FILES)


def a_body_over_the_limit(client, monkeypatch):
    return client.post(
        reverse("login"), TOO_BIG, content_type="application/x-www-form-urlencoded"
    )


def a_suspicious_path(client, monkeypatch):
    def refuse(*args, **kwargs):
        raise SuspiciousFileOperation("Detected path traversal attempt")

    monkeypatch.setattr(TemplateView, "get", refuse)
    return client.get(reverse("home"))


# Each way a client's request can break Django's limits or rules, and the
# exception Django raises for it.
BAD_REQUESTS = [
    pytest.param(too_many_query_fields, "TooManyFieldsSent", id="query-fields"),
    pytest.param(too_many_form_fields, "TooManyFieldsSent", id="form-fields"),
    pytest.param(too_many_files, "TooManyFilesSent", id="files"),
    pytest.param(a_body_over_the_limit, "RequestDataTooBig", id="body-size"),
    pytest.param(a_suspicious_path, "SuspiciousFileOperation", id="suspicious"),
]


@pytest.fixture
def admins(settings):
    """Give ADMINS an address, in the form each Django line takes."""
    settings.ADMINS = (
        ["ops@example.com"] if django.VERSION >= (6, 0) else [("", "ops@example.com")]
    )


@pytest.fixture
def mail_handler(admins, monkeypatch):
    """Return the handler that mails ADMINS, with no mail sent yet."""
    (handler,) = [
        handler
        for handler in logging.getLogger("django").handlers
        if isinstance(handler, ThrottledAdminEmailHandler)
    ]
    monkeypatch.setattr(handler, "sent", deque(maxlen=handler.limit))
    monkeypatch.setattr(handler, "paused", False)
    return handler


@pytest.fixture
def server():
    """Return a test client that answers exceptions as a server does."""
    return Client(raise_request_exception=False)


@pytest.mark.parametrize(("send", "exception"), BAD_REQUESTS)
def test_a_bad_request_is_answered_and_logged_once_not_mailed(
    server, mail_handler, monkeypatch, mailoutbox, caplog, send, exception
):
    """A client's bad request gets the site's 400 page, one log line and no mail."""
    response = send(server, monkeypatch)
    assert response.status_code == 400
    page = response.content.decode()
    assert f"| {escape(settings.SITE_NAME)}</title>" in page
    assert "Bad request" in page
    assert [record.name for record in caplog.records] == [
        f"django.security.{exception}"
    ]
    assert mailoutbox == []


def test_a_burst_of_server_errors_sends_a_few_mails_and_logs_every_one(
    server, mail_handler, monkeypatch, mailoutbox, caplog
):
    """Thirty errors in a row mail the admins a few times; the log keeps all."""
    errors = count()

    def fail_differently(*args, **kwargs):
        raise RuntimeError(f"bug number {next(errors)}")

    monkeypatch.setattr(TemplateView, "get", fail_differently)
    for _ in range(30):
        assert server.get(reverse("home")).status_code == 500
    assert 1 < len(mailoutbox) == mail_handler.limit < 30
    assert "bug number 0" in mailoutbox[0].body
    logged = [record for record in caplog.records if record.name == "django.request"]
    assert len(logged) == 30
    assert all(record.levelname == "ERROR" for record in logged)
    # The pause itself is logged, once.
    assert [record.name for record in caplog.records].count("website.logs") == 1

    # Once the period has passed, the next error is mailed again.
    later = logs.monotonic() + mail_handler.period
    monkeypatch.setattr(logs, "monotonic", lambda: later)
    assert server.get(reverse("home")).status_code == 500
    assert len(mailoutbox) == mail_handler.limit + 1
    assert "bug number 30" in mailoutbox[-1].body


def test_a_server_error_on_a_request_past_the_limits_is_still_mailed(
    server, mail_handler, monkeypatch, mailoutbox
):
    """A 500 stays a 500, and mailed, when the request's query cannot be read."""
    monkeypatch.setattr(TemplateView, "get", fail)
    response = server.get(f"{reverse('home')}?{TOO_MANY_FIELDS}")
    assert response.status_code == 500
    (message,) = mailoutbox
    assert "Internal Server Error" in message.subject
    assert "a bug" in message.body


def test_a_mail_that_cannot_be_written_leaves_the_error_page_answered(
    server, mail_handler, monkeypatch, mailoutbox, capsys
):
    """A failure in reporting an error is printed; the 500 page still goes out."""

    def broken_report(*args, **kwargs):
        raise ValueError("the report failed")

    monkeypatch.setattr(mail_handler, "reporter_class", broken_report)
    monkeypatch.setattr(TemplateView, "get", fail)
    response = server.get(reverse("home"))
    assert response.status_code == 500
    assert "Server error" in response.content.decode()
    assert mailoutbox == []
    assert "ValueError: the report failed" in capsys.readouterr().err


def test_without_admins_the_log_says_nothing_of_mail(
    server, mail_handler, settings, monkeypatch, mailoutbox, caplog
):
    """A server without ADMINS logs its errors and no word about pausing mail."""
    settings.ADMINS = []
    monkeypatch.setattr(TemplateView, "get", fail)
    for _ in range(mail_handler.limit + 1):
        assert server.get(reverse("home")).status_code == 500
    assert mailoutbox == []
    assert {record.name for record in caplog.records} == {"django.request"}


def test_server_logs_hold_a_traceback_on_one_line():
    """Log collectors split on newlines; a traceback stays one event."""
    try:
        raise ValueError("boom")
    except ValueError:
        record = logging.LogRecord(
            "django.request",
            logging.ERROR,
            __file__,
            1,
            "Internal Server Error",
            None,
            sys.exc_info(),
        )
    line = OneLineFormatter("%(levelname)s %(name)s: %(message)s").format(record)
    assert "\n" not in line
    assert line.startswith("ERROR django.request: Internal Server Error\\nTraceback")
    assert "ValueError: boom" in line
