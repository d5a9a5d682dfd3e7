from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.hashers import make_password
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core import signing
from django.db import IntegrityError, transaction
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import FormView, TemplateView, UpdateView

from users.forms import AccountForm, SignUpForm
from users.mail import send_account_mail
from users.signup import SignUpOpenMixin
from users.tokens import activation_token

User = get_user_model()
EMAIL_CHANGE_SALT = "users.views.confirm_email"


def confirmation_link(view_name, user):
    """The path of a link that proves the address of a new account, once."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return reverse(view_name, args=[uid, activation_token.make_token(user)])


class SignUpView(SignUpOpenMixin, FormView):
    """
    Create an inactive account and mail a link that proves the address.

    Whatever the address, the next page is the same "check your inbox": a new
    account gets its link, and the owner of a confirmed one a note saying someone
    tried to sign up with it. An account still waiting for its confirmation loses
    the password it was given: two sign-ups for one address cannot tell which of
    them owns the mailbox, so the link mailed then lets whoever follows it, the
    mailbox's owner, choose the password. Otherwise someone who signed up first
    with another person's address would log in once that person confirmed it.
    """

    form_class = SignUpForm
    template_name = "users/signup.html"

    def post(self, request, *args, **kwargs):
        form = self.get_form()
        taken = form.address_taken()
        if form.errors:
            return self.form_invalid(form)
        if taken:
            # A new account costs a password hash; so does this answer, whose
            # timing must not tell either that the address has an account.
            make_password(form.cleaned_data["password1"])
            email = User.objects.normalize_email(form.data["email"])
            self.mail_account_holder(User.objects.get_by_natural_key(email))
        else:
            try:
                with transaction.atomic():
                    user = form.save(commit=False)
                    user.is_active = False
                    user.save()
            except IntegrityError:
                # The same address, signed up twice at once: the other request won.
                self.mail_account_holder(User.objects.get_by_natural_key(user.email))
            else:
                link = confirmation_link("activate", user)
                send_account_mail(request, "activation", user.email, link=link)
        return redirect("signup_done")

    def mail_account_holder(self, user):
        """Mail the address of an account that exists already, as the page cannot."""
        if user.is_active:
            send_account_mail(self.request, "account_exists", user.email)
        elif user.last_login is None:
            # The links mailed so far die with the password they were made for.
            user.set_unusable_password()
            user.save(update_fields=["password"])
            send_account_mail(
                self.request,
                "finish_signup",
                user.email,
                link=confirmation_link("finish_signup", user),
            )


class SignUpDoneView(TemplateView):
    template_name = "users/signup_done.html"


class ActivateView(View):
    """Activate the account whose address the link proves, once."""

    def get(self, request, uidb64, token):
        try:
            user = User._default_manager.get(
                pk=force_str(urlsafe_base64_decode(uidb64))
            )
        except (ValueError, OverflowError, User.DoesNotExist):
            user = None
        if user is None or not activation_token.check_token(user, token):
            return render(request, "users/link_invalid.html", status=400)
        user.is_active = True
        user.save(update_fields=["is_active"])
        messages.success(request, _("Your email address is confirmed. Log in."))
        return redirect("login")


class FinishSignUpView(auth_views.PasswordResetConfirmView):
    """
    Open an account signed up for more than once: whoever follows the link the
    address was mailed chooses its password. Django's view for password-reset
    links does the work, with the activation tokens; setting the password and
    opening the account spends the link.
    """

    token_generator = activation_token
    template_name = "users/finish_signup.html"
    success_url = reverse_lazy("login")

    def render_to_response(self, context, **response_kwargs):
        if not self.validlink:
            return render(self.request, "users/link_invalid.html", status=400)
        return super().render_to_response(context, **response_kwargs)

    def form_valid(self, form):
        form.user.is_active = True
        response = super().form_valid(form)
        messages.success(self.request, _("Your account is open. Log in."))
        return response


class AccountView(LoginRequiredMixin, UpdateView):
    """Let signed-in people edit their details; a new address needs confirming."""

    form_class = AccountForm
    template_name = "users/account.html"

    def get_object(self, queryset=None):
        return self.request.user

    def form_valid(self, form):
        form.save()
        messages.success(self.request, _("Your details were saved."))
        new_email = form.new_email()
        if new_email:
            token = signing.dumps(
                {"user": self.object.pk, "from": self.object.email, "to": new_email},
                salt=EMAIL_CHANGE_SALT,
            )
            send_account_mail(
                self.request,
                "confirm_email",
                new_email,
                link=reverse("confirm_email", args=[token]),
            )
            messages.info(
                self.request,
                _(
                    "To use %(email)s from now on, follow the link we sent to it. "
                    "Until then your address stays %(current)s."
                )
                % {"email": new_email, "current": self.object.email},
            )
        return redirect("account")


class ConfirmEmailView(View):
    """Make the address a link was mailed to the account's address."""

    def get(self, request, token):
        try:
            change = signing.loads(
                token, salt=EMAIL_CHANGE_SALT, max_age=settings.PASSWORD_RESET_TIMEOUT
            )
        except signing.BadSignature:
            return render(request, "users/link_invalid.html", status=400)
        user = User._default_manager.filter(pk=change["user"]).first()
        # The link dies once the address it was sent from has changed again.
        if user is None or user.email != change["from"]:
            return render(request, "users/link_invalid.html", status=400)
        user.email = change["to"]
        try:
            with transaction.atomic():
                user.save(update_fields=["email"])
        except IntegrityError:
            messages.error(request, _("That address now belongs to another account."))
        else:
            messages.success(
                request,
                _("Your email address is now %(email)s.") % {"email": user.email},
            )
        return redirect("account" if request.user.is_authenticated else "login")
