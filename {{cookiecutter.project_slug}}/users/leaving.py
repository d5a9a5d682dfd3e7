from django.contrib import messages
from django.contrib.auth import get_user_model, logout
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db import transaction
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView

from users.account_form import PasswordCheckForm


class DeleteAccountForm(PasswordCheckForm):
    """Ask for the password of the account about to be deleted."""

    error_messages = {
        **PasswordCheckForm.error_messages,
        "last_superuser": _(
            "This is the only active superuser account, so it cannot be deleted "
            "here. Make another account a superuser first."
        ),
    }


class DeleteAccountView(LoginRequiredMixin, FormView):
    """
    Delete the signed-in account, with whatever hangs on it, and log out.

    A signed-in session is not enough: a borrowed laptop or a stolen cookie
    must not end someone's account, so the password is asked for again.
    """

    form_class = DeleteAccountForm
    template_name = "users/delete_account.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}

    def form_valid(self, form):
        user = self.request.user
        with transaction.atomic():
            if is_last_superuser(user):
                form.add_error(None, form.error_messages["last_superuser"])
                return self.form_invalid(form)
            user.delete()
        logout(self.request)
        messages.success(self.request, _("Your account has been deleted."))
        return redirect("home")


def is_last_superuser(user):
    """Return whether user is the only active superuser; call it in a transaction."""
    # The active superusers stay locked until the transaction ends: two of them
    # deleting their accounts at once cannot each count the other and leave
    # the site without one. Locking in one order keeps them from deadlocking.
    superusers = (
        get_user_model()
        ._default_manager.select_for_update()
        .filter(is_active=True, is_superuser=True)
        .order_by("pk")
    )
    return list(superusers.values_list("pk", flat=True)) == [user.pk]
