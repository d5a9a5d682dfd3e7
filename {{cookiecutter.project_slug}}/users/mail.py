import logging

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)


def send_account_mail(template, address, **context):
    """
    Send the mail of users/<template>_subject.txt and _email.txt to one address.

    Links in it start with SITE_URL. A failing mail server is logged, not shown:
    the pages that mail say the same whether or not an account exists, so they
    cannot say whether mail went out either.
    """
    context = {
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL,
        **context,
    }
    subject = render_to_string(f"users/{template}_subject.txt", context)
    body = render_to_string(f"users/{template}_email.txt", context)
    try:
        send_mail(" ".join(subject.split()), body, None, [address])
    except Exception:
        logger.exception("Could not send the %s mail", template)


def send_email_change_notice(old_address, new_address, *, confirmed):
    """
    Tell an account's address that another is replacing it, with nothing to
    follow: the owner learns of a change made with their password elsewhere.
    """
    if old_address:
        send_account_mail(
            "email_change_notice",
            old_address,
            new_email=new_address,
            confirmed=confirmed,
        )
