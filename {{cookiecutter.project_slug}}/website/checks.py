"""Deployment checks of this project's own settings, run by check --deploy."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.http.request import validate_host

from config.environment import Env


@register(Tags.security, deploy=True)
def check_site_url(app_configs, **kwargs):
    """Mailed links must reach this site, over HTTPS once it is deployed."""
    if settings.DEBUG:
        return []
    parts = urlsplit(settings.SITE_URL)
    problems = []
    if not validate_host(parts.hostname, settings.ALLOWED_HOSTS):
        problems.append(
            Error(
                f"SITE_URL names {parts.hostname}, which ALLOWED_HOSTS does not "
                "list: every mailed link would be refused.",
                hint="Set SITE_URL to the site's public address, or add its "
                "host to ALLOWED_HOSTS.",
                id="website.E001",
            )
        )
    if parts.scheme != "https":
        problems.append(
            Warning(
                "SITE_URL starts with http://, so mailed links, password resets "
                "among them, would travel unencrypted.",
                hint="Write SITE_URL with https://.",
                id="website.W001",
            )
        )
    return problems


@register(deploy=True)
def check_email_url(app_configs, **kwargs):
    """A server sends its mail through the server EMAIL_URL names."""
    # Unset, mail goes to an SMTP server on this machine, which few servers run:
    # password resets would fail in the worker, and error reports be lost.
    if settings.DEBUG or Env().str("EMAIL_URL", default=""):
        return []
    return [
        Error(
            "EMAIL_URL is not set, so mail, password resets among it, would go "
            "to an SMTP server on this machine (localhost:25).",
            hint="Set EMAIL_URL to the mail service's address, such as "
            "smtp+tls://USER:PASSWORD@smtp.example.com:587, or to "
            "smtp://localhost:25 if this machine runs one.",
            id="website.E002",
        )
    ]


@register(Tags.security, deploy=True)
def check_admin_second_factor(app_configs, **kwargs):
    """Staff need a second factor for the admin, unless a project turned it off."""
    if settings.ADMIN_REQUIRES_SECOND_FACTOR:
        return []
    return [
        Warning(
            "ADMIN_REQUIRES_SECOND_FACTOR is off: a staff member's password "
            "alone, phished or reused from another site, opens the admin.",
            hint="Unset ADMIN_REQUIRES_SECOND_FACTOR, so that staff set up "
            "two-factor sign-in before they reach the admin.",
            id="website.W002",
        )
    ]
