import logging

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)


def send_account_mail(request, template, address, **context):
    """
    Send the mail of users/<template>_subject.txt and _email.txt to one address.

    A failing mail server is logged, not shown: the page says the same whether
    or not an account exists, so it cannot say whether mail went out either.
    """
    context = {
        "site_name": settings.SITE_NAME,
        "protocol": request.scheme,
        "domain": request.get_host(),
        **context,
    }
    subject = render_to_string(f"users/{template}_subject.txt", context, request)
    body = render_to_string(f"users/{template}_email.txt", context, request)
    try:
        send_mail(" ".join(subject.split()), body, None, [address])
    except Exception:
        logger.exception("Could not send the %s mail", template)
