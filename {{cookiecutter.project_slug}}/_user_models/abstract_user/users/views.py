from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.messages.views import SuccessMessageMixin
from django.db import IntegrityError, transaction
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.views.generic import CreateView, UpdateView

from users.forms import AccountForm, SignUpForm
from users.models import User
from users.signup import SignUpOpenMixin


class SignUpView(SignUpOpenMixin, CreateView):
    """Create an account and sign its owner in."""

    form_class = SignUpForm
    template_name = "users/signup.html"
    success_url = reverse_lazy("home")

    def form_valid(self, form):
        try:
            with transaction.atomic():
                response = super().form_valid(form)
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
        return response


class AccountView(LoginRequiredMixin, SuccessMessageMixin, UpdateView):
    """Let signed-in people edit their own details."""

    form_class = AccountForm
    template_name = "users/account.html"
    success_url = reverse_lazy("account")
    success_message = _("Your details were saved.")

    def get_object(self, queryset=None):
        return self.request.user
