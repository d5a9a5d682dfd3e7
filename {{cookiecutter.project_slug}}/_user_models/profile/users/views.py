from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db import IntegrityError, transaction
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from users.forms import AccountForm, ProfileForm, SignUpForm
from users.mail import send_email_change_notice
from users.signup import SignUpOpenMixin

User = get_user_model()


class SignUpView(SignUpOpenMixin, TemplateView):
    """Create an account with its profile, and sign its owner in."""

    template_name = "users/signup.html"

    def get(self, request, *args, **kwargs):
        return self.render_to_response({"forms": [SignUpForm(), ProfileForm()]})

    def post(self, request, *args, **kwargs):
        user_form, profile_form = SignUpForm(request.POST), ProfileForm(request.POST)
        if not (user_form.is_valid() and profile_form.is_valid()):
            return self.render_to_response({"forms": [user_form, profile_form]})
        # Hashed before the transaction, which holds SQLite's write lock: a
        # burst of sign-ups then waits milliseconds for it, not seconds.
        user = user_form.save(commit=False)
        try:
            # One transaction: a failure leaves no user behind without its details.
            with transaction.atomic():
                user.save()
                # Saving the user gave it its one, empty profile: fill in that one.
                ProfileForm(request.POST, instance=user.profile).save()
        except IntegrityError:
            if User._default_manager.filter(
                username=user_form.instance.username
            ).exists():
                # The same username, signed up twice at once: the other request won.
                user_form.add_error(
                    "username",
                    user_form.instance.unique_error_message(User, ["username"]),
                )
                return self.render_to_response({"forms": [user_form, profile_form]})
            raise
        login(request, user, backend="users.backends.ProfileBackend")
        messages.success(request, _("Welcome! Your account is ready."))
        return redirect("home")


class AccountView(LoginRequiredMixin, TemplateView):
    """Let signed-in people edit their own details and their profile's."""

    template_name = "users/account.html"

    def forms(self, data=None):
        user = self.request.user
        return [
            AccountForm(data, instance=user, request=self.request),
            ProfileForm(data, instance=user.profile),
        ]

    def get(self, request, *args, **kwargs):
        return self.render_to_response({"forms": self.forms()})

    def post(self, request, *args, **kwargs):
        forms = self.forms(request.POST)
        if not all(form.is_valid() for form in forms):
            return self.render_to_response({"forms": forms})
        with transaction.atomic():
            for form in forms:
                form.save()
        account_form = forms[0]
        if "email" in account_form.changed_data:
            send_email_change_notice(
                request,
                account_form.initial["email"],
                request.user.email,
                confirmed=True,
            )
        messages.success(request, _("Your details were saved."))
        return redirect("account")
