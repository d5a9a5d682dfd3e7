from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.hashers import make_password
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db import IntegrityError, transaction
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, TemplateView, UpdateView

from users.forms import AccountForm, ActivationForm, SignUpForm
from users.mail import send_account_mail, send_email_change_notice
from users.password_reset import PasswordResetConfirmView
from users.signup import SignUpOpenMixin
from users.tokens import activation_token, email_change_token

User = get_user_model()


def confirmation_link(view_name, user):
    """The path of a link that opens an account waiting for confirmation, once."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return reverse(view_name, args=[uid, activation_token.make_token(user)])


def waiting_user(uidb64, token):
    """The account a confirmation link is for, while the link still opens it."""
    try:
        user = User._default_manager.get(pk=force_str(urlsafe_base64_decode(uidb64)))
    except (ValueError, OverflowError, User.DoesNotExist):
        return None
    if user.awaiting_confirmation and activation_token.check_token(user, token):
        return user
    return None


class SignUpView(SignUpOpenMixin, FormView):
    """
    Create an inactive account and mail a link that proves the address.

    Whatever the address, the next page is the same "check your inbox": a new
    account gets its link, and the owner of a confirmed one a note saying someone
    tried to sign up with it. An account still waiting for its confirmation loses
    the password it was given: two sign-ups for one address cannot tell which of
    them owns the mailbox, so the link mailed then lets whoever follows it, the
    mailbox's owner, choose the password.
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
            return redirect("signup_done")
        # Hashed before the transaction, which holds SQLite's write lock: a
        # burst of sign-ups then waits milliseconds for it, not seconds.
        user = form.save(commit=False)
        user.is_active = False
        user.awaiting_confirmation = True
        try:
            with transaction.atomic():
                user.save()
        except IntegrityError:
            # The same address, signed up twice at once: the other request won.
            self.mail_account_holder(User.objects.get_by_natural_key(user.email))
        else:
            link = confirmation_link("activate", user)
            send_account_mail(self.request, "activation", user.email, link=link)
        return redirect("signup_done")

    def mail_account_holder(self, user):
        """Mail the address of an account that exists already, as the page cannot."""
        if user.is_active:
            send_account_mail(self.request, "account_exists", user.email)
        elif user.awaiting_confirmation:
            if user.has_usable_password():
                # The activation links mailed so far die with the password they
                # were made for. Later sign-ups leave it alone, so that the
                # links mailed since keep working however often they come.
                user.set_unusable_password()
                user.save(update_fields=["password"])
            link = confirmation_link("finish_signup", user)
            send_account_mail(self.request, "finish_signup", user.email, link=link)
        # An account an administrator closed stays closed: nothing is mailed.


class SignUpDoneView(TemplateView):
    template_name = "users/signup_done.html"


class ActivateView(FormView):
    """
    Open the account a link was mailed for, to whoever knows its password.

    Following the link only shows this page: mail scanners and link previews
    fetch links, and must not open accounts. The password proves that the
    person at the mailbox is the one who signed up; someone who signed up with
    another person's address never learns the link, and the mailbox's owner can
    choose a password instead.
    """

    form_class = ActivationForm
    template_name = "users/activate.html"

    def dispatch(self, request, uidb64, token):
        self.user = waiting_user(uidb64, token)
        if self.user is None:
            return render(request, "users/link_invalid.html", status=400)
        return super().dispatch(request, uidb64, token)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.user}

    def get_context_data(self, **kwargs):
        choose = reverse(
            "finish_signup", args=[self.kwargs["uidb64"], self.kwargs["token"]]
        )
        return super().get_context_data(
            email=self.user.email, choose_password_url=choose, **kwargs
        )

    def form_valid(self, form):
        with transaction.atomic():
            user = User._default_manager.select_for_update().get(pk=self.user.pk)
            if not (
                user.awaiting_confirmation
                and activation_token.check_token(user, self.kwargs["token"])
            ):
                return render(self.request, "users/link_invalid.html", status=400)
            user.is_active = True
            user.awaiting_confirmation = False
            user.save(update_fields=["is_active", "awaiting_confirmation"])
        # The form checked the password; the session starts as a log-in's would.
        login(self.request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(self.request, _("Your account is open. Welcome!"))
        return redirect("home")


class FinishSignUpView(PasswordResetConfirmView):
    """
    Open an account waiting for confirmation with a password chosen here, by
    whoever follows the link the address was mailed: after a second sign-up of
    the address, or instead of a password someone else chose. Django's view for
    password-reset links does the work, with the activation tokens; setting the
    password and opening the account spends the link.
    """

    token_generator = activation_token
    template_name = "users/finish_signup.html"
    success_url = reverse_lazy("login")

    def get_user(self, uidb64):
        user = super().get_user(uidb64)
        return user if user is not None and user.awaiting_confirmation else None

    def render_to_response(self, context, **response_kwargs):
        if not self.validlink:
            return render(self.request, "users/link_invalid.html", status=400)
        return super().render_to_response(context, **response_kwargs)

    def on_new_password(self, user):
        user.is_active = True
        user.awaiting_confirmation = False
        messages.success(self.request, _("Your account is open. Log in."))
        return ["is_active", "awaiting_confirmation"]


class AccountView(LoginRequiredMixin, UpdateView):
    """Let signed-in people edit their details; a new address needs confirming."""

    form_class = AccountForm
    template_name = "users/account.html"

    def get_object(self, queryset=None):
        return self.request.user

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}

    def form_valid(self, form):
        user = form.save(commit=False)
        new_email = form.new_email()
        if new_email:
            # Asking again replaces the address asked for, which kills the
            # links mailed for the earlier one.
            user.pending_email = new_email
        # Only the fields of this page: a password reset finishing meanwhile
        # keeps its new password.
        user.save(update_fields=[*form.Meta.fields, "pending_email"])
        if set(form.changed_data) & set(form.Meta.fields):
            messages.success(self.request, _("Your details were saved."))
        if new_email:
            self.mail_confirmation(User._default_manager.get(pk=user.pk))
        return redirect("account")

    def mail_confirmation(self, user):
        """Mail the link to the address asked for, and a notice to the current one."""
        link = reverse("confirm_email", args=[email_change_token.make_token(user)])
        send_account_mail(self.request, "confirm_email", user.pending_email, link=link)
        send_email_change_notice(
            self.request, user.email, user.pending_email, confirmed=False
        )
        messages.info(
            self.request,
            _(
                "To use %(email)s from now on, follow the link we sent to it. "
                "Until then your address stays %(current)s."
            )
            % {"email": user.pending_email, "current": user.email},
        )


class ConfirmEmailView(LoginRequiredMixin, TemplateView):
    """
    Make the address asked for the account's own, on a signed-in POST.

    The link alone is not enough: its owner must be signed in to the account,
    and following it only shows the page with the button.
    """

    template_name = "users/confirm_email.html"

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and not (
            user.pending_email and email_change_token.check_token(user, kwargs["token"])
        ):
            return render(request, "users/link_invalid.html", status=400)
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, token):
        try:
            with transaction.atomic():
                user = User._default_manager.select_for_update().get(pk=request.user.pk)
                if not email_change_token.check_token(user, token):
                    return render(request, "users/link_invalid.html", status=400)
                user.email, user.pending_email = user.pending_email, ""
                user.save(update_fields=["email", "pending_email"])
        except IntegrityError:
            messages.error(request, _("That address now belongs to another account."))
        else:
            messages.success(
                request,
                _("Your email address is now %(email)s.") % {"email": user.email},
            )
        return redirect("account")
