"""
Two-factor sign-in: a code from an authenticator app after the password.

django-otp keeps the devices (an app's TOTP secret, and a list of one-time
recovery codes) and marks a session as verified; these views set the devices
up and ask for a code at sign-in.
"""

import logging
import time
from base64 import b32encode
from urllib.parse import urlencode

import segno
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, login, logout
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.contrib.auth.views import LoginView
from django.db import transaction
from django.dispatch import receiver
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.crypto import constant_time_compare
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView
from django_otp import devices_for_user, match_token, user_has_device
from django_otp import login as verify_session
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from users.account_form import PasswordCheckForm
from users.mail import send_account_mail

logger = logging.getLogger(__name__)

# Where the session keeps whose password was right while it waits for the code.
PENDING_SIGN_IN = "second_factor_pending"
# Time enough to open the app and type a code, not to leave a half-open session.
CODE_WAIT_SECONDS = 300
RECOVERY_CODE_COUNT = 10


class CodeForm(forms.Form):
    otp_token = forms.CharField(
        label=_("Code"),
        max_length=32,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True}
        ),
        help_text=_(
            "The six digits your authenticator app shows, or one of your "
            "recovery codes."
        ),
    )

    def clean_otp_token(self):
        # Apps show "123 456"; recovery codes are shown in lower case.
        return "".join(self.cleaned_data["otp_token"].split()).lower()


class SignInView(LoginView):
    """Django's log-in page, which asks for a code next if the account has a factor."""

    def form_valid(self, form):
        user = form.get_user()
        if not user_has_device(user):
            return super().form_valid(form)
        # The password was right, but the session stays signed out until the
        # code is: whoever has only the password gets nowhere.
        ask_for_code(self.request, user, self.get_success_url())
        return redirect("login_code")


def ask_for_code(request, user, next_url):
    """Remember that user gave the right password, for the code page to finish."""
    request.session[PENDING_SIGN_IN] = {
        "user": user._meta.pk.value_to_string(user),
        "backend": getattr(user, "backend", None),
        # A password changed meanwhile, by an owner who noticed, ends it.
        "session_hash": user.get_session_auth_hash(),
        "next": next_url,
        "until": time.time() + CODE_WAIT_SECONDS,
    }


@receiver(user_logged_in)
def owe_a_code(sender, request, user, **kwargs):
    """Make any log-in of an account with a factor owe its code."""
    # Whatever view logged the user in (one of an app added later, such as
    # django-allauth's), the session is not verified: until the code comes,
    # code_owed_middleware keeps it on the code page.
    if request is not None and user_has_device(user):
        ask_for_code(request, user, settings.LOGIN_REDIRECT_URL)


def code_owed_middleware(get_response):
    """Send a session that was signed in but owes its code to the code page."""
    # Installed after django-otp's middleware, which tells verified sessions.

    def middleware(request):
        if (
            PENDING_SIGN_IN in request.session
            and request.user.is_authenticated
            and not request.user.is_verified()
            and request.path not in {reverse("login_code"), reverse("logout")}
        ):
            if request.method == "GET":
                # Where the code leads: the page that was asked for.
                pending = request.session[PENDING_SIGN_IN]
                pending["next"] = request.get_full_path()
                request.session[PENDING_SIGN_IN] = pending
            return redirect("login_code")
        return get_response(request)

    return middleware


def pending_sign_in(request):
    """Return the user who owes this session a code, and what to do after, or None."""
    pending = request.session.get(PENDING_SIGN_IN)
    if not pending or pending["until"] < time.time():
        return None
    user_model = get_user_model()
    user = user_model._default_manager.filter(
        pk=user_model._meta.pk.to_python(pending["user"])
    ).first()
    if (
        user is None
        or not user.is_active
        or not constant_time_compare(
            user.get_session_auth_hash(), pending["session_hash"]
        )
    ):
        return None
    return user, pending


class SignInCodeView(FormView):
    """The second step of signing in: a code from the app, or a recovery code."""

    form_class = CodeForm
    template_name = "registration/login_code.html"

    def dispatch(self, request, *args, **kwargs):
        found = pending_sign_in(request)
        if found is None:
            # Too late, or the password changed: a session signed in meanwhile
            # by another view ends too.
            if PENDING_SIGN_IN in request.session:
                logout(request)
            messages.error(request, _("Please log in again."))
            return redirect("login")
        self.user, self.pending = found
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        # Guesses count like wrong passwords, against the same name and address.
        credentials = {"username": self.user.get_username()}
        if not AxesProxyHandler.is_allowed(self.request, credentials):
            return get_lockout_response(self.request, None, credentials)
        waiting = must_wait(self.user)
        device = (
            None if waiting else match_token(self.user, form.cleaned_data["otp_token"])
        )
        if device is None:
            logger.warning("A wrong sign-in code was given for %s.", self.user.pk)
            user_login_failed.send(
                sender=__name__, credentials=credentials, request=self.request
            )
            form.add_error("otp_token", refusal(waiting))
            return self.form_invalid(form)
        if self.request.user != self.user:
            login(self.request, self.user, backend=self.pending["backend"])
        else:
            # Signed in some other way: the session rises in privilege, so it
            # takes a new key, as log-in gives it.
            self.request.session.cycle_key()
        # After log-in, which made the session owe a code again.
        del self.request.session[PENDING_SIGN_IN]
        verify_session(self.request, device)
        return redirect(self.pending["next"])


def must_wait(user):
    """Return whether django-otp refuses user's codes for now, right or wrong."""
    # Each wrong code makes the devices wait twice as long as the last: a code
    # typed meanwhile is refused unchecked, and the refusal must say so, or the
    # right code would look wrong.
    return any(not device.verify_is_allowed()[0] for device in devices_for_user(user))


def refusal(waiting):
    """Return the error for a refused code."""
    if waiting:
        return forms.ValidationError(
            _("Too many wrong codes. Wait a minute, then type the newest code."),
            code="throttled",
        )
    return forms.ValidationError(_("That code is not right."), code="invalid")


def safe_next(request, default):
    """Return the page asked for in "next", if it is on this site, else default."""
    next_url = request.POST.get("next", request.GET.get("next"))
    if next_url and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return next_url
    return default


class SecondFactorView(LoginRequiredMixin, FormView):
    """Set up an authenticator app, or see that one is set up."""

    form_class = CodeForm
    template_name = "users/second_factor.html"

    def get(self, request, *args, **kwargs):
        if self.authenticator(confirmed=True):
            return render(request, "users/second_factor_on.html")
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        # A form sent again (a reload of the recovery codes) sets up nothing more.
        if self.authenticator(confirmed=True):
            return redirect("second_factor")
        return super().post(request, *args, **kwargs)

    def authenticator(self, confirmed):
        return TOTPDevice.objects.devices_for_user(
            self.request.user, confirmed=confirmed
        ).first()

    def get_context_data(self, **kwargs):
        # The same secret until it is confirmed, so that a reload does not
        # undo the scan.
        device = self.authenticator(confirmed=False) or TOTPDevice.objects.create(
            user=self.request.user, name=_("Authenticator app"), confirmed=False
        )
        qr_code = segno.make(device.config_url)
        return super().get_context_data(
            qr_code=qr_code.svg_inline(scale=4, title=_("QR code")),
            secret=secret_in_groups(device),
            next=safe_next(self.request, ""),
            **kwargs,
        )

    def form_valid(self, form):
        with transaction.atomic():
            device = (
                TOTPDevice.objects.devices_for_user(self.request.user, confirmed=False)
                .select_for_update()
                .first()
            )
            waiting = device is not None and not device.verify_is_allowed()[0]
            if (
                device is None
                or waiting
                or not device.verify_token(form.cleaned_data["otp_token"])
            ):
                form.add_error("otp_token", refusal(waiting))
                return self.form_invalid(form)
            device.confirmed = True
            device.save(update_fields=["confirmed"])
        verify_session(self.request, device)
        tell_the_owner(self.request, "on")
        return show_recovery_codes(self.request, new_recovery_codes(device.user))


def secret_in_groups(device):
    """Return the device's secret in base32, in groups of four, for typing in."""
    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[start : start + 4] for start in range(0, len(secret), 4))


def new_recovery_codes(user):
    """Replace user's recovery codes with new ones, and return them."""
    # The device stays, its codes change: a session verified with one of them
    # stays verified.
    with transaction.atomic():
        device, _created = StaticDevice.objects.get_or_create(
            user=user, defaults={"name": _("Recovery codes")}
        )
        device.token_set.all().delete()
        codes = [StaticToken.random_token() for _number in range(RECOVERY_CODE_COUNT)]
        StaticToken.objects.bulk_create(
            StaticToken(device=device, token=code) for code in codes
        )
    return codes


def show_recovery_codes(request, codes):
    """Answer with the recovery codes, on the only page that ever shows them."""
    return render(
        request,
        "users/recovery_codes.html",
        {"codes": codes, "next": safe_next(request, reverse("account"))},
    )


class NewRecoveryCodesView(LoginRequiredMixin, FormView):
    """Replace the recovery codes, with the password asked again."""

    form_class = PasswordCheckForm
    template_name = "users/new_recovery_codes.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}

    def form_valid(self, form):
        tell_the_owner(self.request, "new_codes")
        return show_recovery_codes(self.request, new_recovery_codes(self.request.user))


class TurnOffSecondFactorView(LoginRequiredMixin, FormView):
    """Remove the authenticator app and the recovery codes, with the password asked again."""

    form_class = PasswordCheckForm
    template_name = "users/turn_off_second_factor.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}

    def form_valid(self, form):
        for device in list(devices_for_user(self.request.user, confirmed=None)):
            device.delete()
        tell_the_owner(self.request, "off")
        messages.success(self.request, _("Two-factor sign-in is off."))
        return redirect("account")


def tell_the_owner(request, change):
    """Mail the account's address that its second factor changed, with no link."""
    # Whoever turns it off, or makes codes of their own, with a stolen session
    # and password, is seen by the owner at once.
    user = request.user
    address = getattr(user, user.get_email_field_name(), "")
    if address:
        send_account_mail(request, "second_factor_notice", address, change=change)


def second_factor_url(next_url):
    """Return the address of the set-up page, coming back to next_url after."""
    return f"{reverse('second_factor')}?{urlencode({'next': next_url})}"
