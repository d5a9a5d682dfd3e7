import smtplib

import pytest
from django.conf import settings
from django.core import mail
from django.test import override_settings
from django.urls import reverse

try:
    from django.tasks import task_backends
except ImportError:  # Django 5.2
    from django_tasks import task_backends

pytestmark = pytest.mark.django_db


def ask_for_a_reset(client, email, client_address="203.0.113.1"):
    response = client.post(
        reverse("password_reset"), {"email": email}, REMOTE_ADDR=client_address
    )
    assert response.status_code == 302
    assert response.url == reverse("password_reset_done")


@pytest.fixture
def members(django_user_model, django_username_field):
    """Return the addresses of 25 accounts."""
    email_field = django_user_model.get_email_field_name()
    addresses = [f"member{n}@example.com" for n in range(25)]
    django_user_model.objects.bulk_create(
        django_user_model(**{django_username_field: address, email_field: address})
        for address in addresses
    )
    # The password makes an account one a reset mails.
    for user in django_user_model.objects.all():
        user.set_password("a long enough passphrase")
        user.save()
    return addresses


def test_an_address_gets_five_mails_an_hour_whoever_asks(client, user, caplog):
    """The sixth reset for one address, from anywhere, answers alike and mails nothing."""
    for n in range(settings.MAIL_LIMIT_PER_ADDRESS + 1):
        ask_for_a_reset(client, user.email, client_address=f"203.0.113.{n}")
    assert len(mail.outbox) == settings.MAIL_LIMIT_PER_ADDRESS == 5
    (skipped,) = [r for r in caplog.records if r.name == "users.mail"]
    assert "at example.com" in skipped.getMessage()
    assert user.email not in skipped.getMessage()


def test_a_client_gets_twenty_mails_an_hour_whatever_the_addresses(client, members):
    """One client asking for resets of many addresses is cut off at twenty."""
    for address in members[: settings.MAIL_LIMIT_PER_CLIENT + 1]:
        ask_for_a_reset(client, address)
    assert len(mail.outbox) == settings.MAIL_LIMIT_PER_CLIENT == 20


def test_unknown_addresses_count_against_the_limits_too(client, user):
    """Asking for addresses without accounts uses up the client's mail all the same."""
    for n in range(settings.MAIL_LIMIT_PER_CLIENT):
        ask_for_a_reset(client, f"nobody{n}@example.com")
    ask_for_a_reset(client, user.email)
    assert mail.outbox == []


@override_settings(
    MAIL_LIMIT_PER_ADDRESS=2,
    MAIL_LIMIT_PER_CLIENT=3,
)
def test_the_limits_come_from_the_settings(client, members):
    """MAIL_LIMIT_PER_ADDRESS and MAIL_LIMIT_PER_CLIENT set the two figures."""
    for _ in range(3):
        ask_for_a_reset(client, members[0], client_address="198.51.100.1")
    for address in members[1:5]:
        ask_for_a_reset(client, address, client_address="198.51.100.2")
    assert [m.to for m in mail.outbox] == [[members[0]]] * 2 + [
        [address] for address in members[1:4]
    ]


@pytest.fixture
def queue_only(settings):
    """Keep queued mail in the queue, as a server does until its worker runs."""
    package = settings.TASKS_PACKAGE
    settings.TASKS = {"default": {"BACKEND": f"{package}.backends.dummy.DummyBackend"}}
    backend = task_backends["default"]
    backend.clear()
    return backend


def test_a_reset_request_does_the_same_work_with_or_without_an_account(
    client, user, queue_only, django_assert_max_num_queries
):
    """Both answers queue one task and make the same queries: their time tells nothing."""
    queries = []
    for email in (user.email, "nobody@example.com"):
        with django_assert_max_num_queries(100) as captured:
            ask_for_a_reset(client, email)
        queries.append([query["sql"] for query in captured.captured_queries])
    assert len(queries[0]) == len(queries[1])
    assert [result.task.name for result in queue_only.results] == [
        "mail_password_reset"
    ] * 2
    assert mail.outbox == []


def test_a_failing_mail_server_is_logged_by_the_addresss_domain(
    client, user, monkeypatch, caplog
):
    """A refused mail names the domain and the error's kind, never the address or link."""

    def refuse(*args, **kwargs):
        raise smtplib.SMTPRecipientsRefused({user.email: (550, b"No such user")})

    monkeypatch.setattr("users.mail.send_mail", refuse)
    ask_for_a_reset(client, user.email)
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "at example.com: SMTPRecipientsRefused" in logged
    assert user.email not in logged
    assert "/accounts/reset/" not in logged
