"""
Account mail: counted against the limits in the request, sent by a worker.

A request that mails (sign-up, an address change, a password reset) only
counts and queues, so it answers at once even while the mail server is slow
or away, and a visitor cannot use it to flood an inbox or the sender's
reputation. The worker (python manage.py db_worker) renders and sends; while
DEBUG is on, and in the tests, mail is sent at once instead.
"""

import hashlib
import logging
from contextlib import contextmanager

from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.tokens import default_token_generator
from django.core.cache import cache, caches
from django.core.cache.backends.db import BaseDatabaseCache
from django.core.mail import send_mail
from django.db import connections, router, transaction
from django.template.loader import render_to_string
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from users.throttling import client_address

try:
    from django.tasks import task
except ImportError:  # Django 5.2: the backport of Django 6's tasks framework.
    from django_tasks import task

logger = logging.getLogger(__name__)
ONE_HOUR = 60 * 60


class MailNotSent(Exception):
    """The mail server refused or did not answer; the task is left failed."""


def send_account_mail(request, template, address, **context):
    """
    Queue the mail of users/<template>_subject.txt and _email.txt to one
    address, unless the address or the visitor has had enough mail this hour.

    The page says the same either way: it must not tell whether an account
    exists, so it cannot tell whether mail went out either.
    """
    if within_mail_limits(request, address, template):
        deliver_account_mail.enqueue(template, address, context)


def within_mail_limits(request, address, template):
    """Count one mail to address asked by this request's client; say if allowed."""
    # A window of an hour from the first mail, counted in the default cache,
    # which every worker process and server shares (CACHE_URL).
    limits = {
        "address": (address.lower(), settings.MAIL_LIMIT_PER_ADDRESS),
        "client": (
            client_address(request) or "unknown",
            settings.MAIL_LIMIT_PER_CLIENT,
        ),
    }
    for kind, (who, limit) in limits.items():
        key = f"mail:{kind}:{hashlib.sha256(who.encode()).hexdigest()}"
        count = 1
        if not cache.add(key, count, ONE_HOUR):
            with cache_row_locked(key):
                try:
                    count = cache.incr(key)
                except ValueError:  # It expired between the two calls.
                    cache.set(key, count, ONE_HOUR)
        if count > limit:
            logger.warning(
                "Not sending the %s mail to an address at %s: this %s has had "
                "%s mails this hour.",
                template,
                domain_of(address),
                kind,
                limit,
            )
            return False
    return True


@contextmanager
def cache_row_locked(key):
    """Hold the database cache's row for key, if the default cache is one."""
    # The database cache's incr() reads the count, then writes it back: two
    # requests reading at once would write the same count, and a burst would
    # pass the limit. A lock taken first makes the read and the write one step:
    # SQLite's transactions take the write lock as they open (IMMEDIATE), other
    # databases lock the row. Redis counts in one step of its own.
    backend = caches["default"]
    if not isinstance(backend, BaseDatabaseCache):
        yield
        return
    alias = router.db_for_write(backend.cache_model_class)
    connection = connections[alias]
    with transaction.atomic(using=alias):
        if connection.features.has_select_for_update:
            table = connection.ops.quote_name(backend.cache_model_class._meta.db_table)
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT 1 FROM {table} WHERE cache_key = %s FOR UPDATE",  # noqa: S608
                    [backend.make_and_validate_key(key)],
                )
        yield


@task
def deliver_account_mail(template, address, context):
    """Render and send an account mail queued by send_account_mail()."""
    send_rendered(
        f"users/{template}_subject.txt", f"users/{template}_email.txt", address, context
    )


@task
def mail_password_reset(email):
    """Mail a reset link to every account that may reset its password at email."""
    # Django's form finds them: active, with a usable password, at this address.
    for user in PasswordResetForm().get_users(email):
        context = {
            "user": user,
            "uid": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        }
        send_rendered(
            "registration/password_reset_subject.txt",
            "registration/password_reset_email.html",
            getattr(user, user.get_email_field_name()),
            context,
        )


def send_rendered(subject_template, body_template, address, context):
    """Render a mail's subject and text with the site's name and address, and send it."""
    context = {
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL,
        **context,
    }
    subject = " ".join(render_to_string(subject_template, context).split())
    body = render_to_string(body_template, context)
    try:
        send_mail(subject, body, None, [address])
    except Exception as error:
        # The log and the failed task name the domain and the error's kind
        # alone: a mail server's message may hold the whole address, and the
        # body holds links whose tokens open accounts.
        logger.warning(
            "Could not send the mail %s to an address at %s: %s",
            body_template,
            domain_of(address),
            type(error).__name__,
        )
        raise MailNotSent(
            f"{body_template} to an address at {domain_of(address)}: "
            f"{type(error).__name__}"
        ) from None


def domain_of(address):
    return address.rpartition("@")[2]


def send_email_change_notice(request, old_address, new_address, *, confirmed):
    """
    Tell an account's address that another is replacing it, with nothing to
    follow: the owner learns of a change made with their password elsewhere.
    """
    if old_address:
        send_account_mail(
            request,
            "email_change_notice",
            old_address,
            new_email=new_address,
            confirmed=confirmed,
        )
