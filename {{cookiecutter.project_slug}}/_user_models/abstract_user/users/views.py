from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.messages.views import SuccessMessageMixin
from django.db import IntegrityError, transaction
from django.shortcuts import redirect
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.views.generic import CreateView, UpdateView

from users.forms import AccountForm, SignUpForm
from users.mail import send_email_change_notice
from users.signup import SignUpOpenMixin

User = get_user_model()


class SignUpView(SignUpOpenMixin, CreateView):
    """Create an account and sign its owner in."""

    form_class = SignUpForm
    template_name = "users/signup.html"
    success_url = reverse_lazy("home")

    def form_valid(self, form):
        # Hashed before the transaction, which holds SQLite's write lock: a
        # burst of sign-ups then waits milliseconds for it, not seconds.
        self.object = form.save(commit=False)
        try:
            with transaction.atomic():
                self.object.save()
        except IntegrityError:
            # The same username, signed up twice at once: the other request won.
            form.add_error(
                "username", form.instance.unique_error_message(User, ["username"])
            )
            return self.form_invalid(form)
        login(
            self.request,
            self.object,
            backend="django.contrib.auth.backends.ModelBackend",
        )
        messages.success(self.request, _("Welcome! Your account is ready."))
        return redirect(self.success_url)


class AccountView(LoginRequiredMixin, SuccessMessageMixin, UpdateView):
    """Let signed-in people edit their own details."""

    form_class = AccountForm
    template_name = "users/account.html"
    success_url = reverse_lazy("account")
    success_message = _("Your details were saved.")

    def get_object(self, queryset=None):
        return self.request.user

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}

    def form_valid(self, form):
        response = super().form_valid(form)
        if "email" in form.changed_data:
            send_email_change_notice(
                self.request, form.initial["email"], self.object.email, confirmed=True
            )
        return response
