import contextlib
import ipaddress
import logging

from asgiref.sync import sync_to_async
from axes.attempts import get_cool_off_threshold
from axes.backends import AxesStandaloneBackend
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Sum

logger = logging.getLogger(__name__)


class ThrottlingBackend(AxesStandaloneBackend):
    """django-axes' backend, callable from async code and outside requests as well."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        # Code that checks a password outside a request (a shell, a script, a
        # management command) has no address to count failures against, and
        # django-axes would raise: such a check goes on to the next backend,
        # unthrottled.
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)

    async def aauthenticate(self, request, **credentials):
        # Django's aauthenticate() asks every backend, and django-axes only
        # defines the synchronous method.
        return await sync_to_async(self.authenticate)(request, **credentials)


class ThrottlingHandler(AxesDatabaseHandler):
    """django-axes' database handler, which also pauses an address failing too often."""

    # django-axes counts failures per name and address, so one address may try a
    # common password on every name it knows (password spraying) without ever
    # reaching the limit. The failures of one address are summed over the rows
    # django-axes already keeps, within the same cool-off: the database is
    # shared by every worker process and server (a per-process cache would give
    # each worker the whole allowance), the rows are indexed by address and
    # pruned by django-axes itself, and a paused address waits no longer than
    # the lockout page says. django-axes' AccessFailureLog could count over an
    # hour, but it keeps a row per attempt that only a per-name limit prunes:
    # rotating names would grow it without end.

    def is_locked(self, request, credentials=None):
        return super().is_locked(request, credentials) or self.address_is_locked(
            request
        )

    def user_login_failed(self, sender, credentials, request=None, **kwargs):
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is None or request.axes_locked_out:
            return
        if self.address_is_locked(request):
            # As django-axes answers and logs a lockout of one name.
            logger.warning(
                "Locking out address %s after %s failed log-ins across names.",
                request.axes_ip_address,
                settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS,
            )
            request.axes_locked_out = True
            request.axes_credentials = credentials
            user_locked_out.send(
                "axes",
                request=request,
                username=get_client_username(request, credentials),
                ip_address=request.axes_ip_address,
            )

    def address_is_locked(self, request):
        """Return whether the request's address has failed too often lately."""
        failures = AccessAttempt.objects.filter(
            ip_address=request.axes_ip_address,
            attempt_time__gte=get_cool_off_threshold(request),
        ).aggregate(failures=Sum("failures_since_start"))["failures"]
        return (failures or 0) >= settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS


def client_address(request):
    """Return the client's IP address, as the outermost trusted proxy saw it."""
    # Each proxy appends the address it was reached from to X-Forwarded-For,
    # and REMOTE_ADDR is the nearest one's: read from the right, the client is
    # the hop just before the last TRUSTED_PROXY_COUNT. Entries further left are
    # whatever the client sent, public addresses or not, and are never used. A
    # shorter chain (a request that reached an inner proxy directly, or the
    # server itself) gives its first hop, which a trusted party wrote.
    hops = [request.META.get("REMOTE_ADDR", "")]
    if settings.TRUSTED_PROXY_COUNT:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        hops[:0] = [hop.strip() for hop in forwarded if hop.strip()]
    return plain_address(hops[max(len(hops) - 1 - settings.TRUSTED_PROXY_COUNT, 0)])


def plain_address(text):
    """Return an IP address in its usual spelling and without a port, or None."""
    # Some proxies add the client's port; one address has a single spelling, so
    # that it has a single count.
    if text.startswith("["):
        text = text[1:].partition("]")[0]
    elif text.count(":") == 1:
        text = text.partition(":")[0]
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return None


def login_name(request, credentials):
    """Name a log-in attempt after the account it would reach, however spelled."""
    # Spellings that reach one account (an email address in any letter case)
    # count as one, or varying them would dodge the limit. Every name is folded
    # the way the user model's manager folds the names it looks up, whether an
    # account has it or not: folding only existing ones would let the lockout
    # tell which names have an account. No query is made, so both take the same
    # time too.
    user_model = get_user_model()
    data = credentials or getattr(request, "data", request.POST)
    name = data.get("username") or data.get(user_model.USERNAME_FIELD)
    if not name:
        return name
    if user_model.get_email_field_name() == user_model.USERNAME_FIELD:
        # A spelling the manager refuses is no account's; it is counted as sent.
        with contextlib.suppress(ValidationError):
            name = user_model._default_manager.normalize_email(name)
    else:
        name = user_model.normalize_username(name)
    # Cut to fit the column django-axes stores names in, which PostgreSQL would
    # otherwise refuse with an error.
    return name[: AccessAttempt._meta.get_field("username").max_length]
