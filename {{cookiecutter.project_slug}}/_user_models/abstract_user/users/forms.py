from django import forms
from django.contrib.auth import forms as auth_forms

from users.account_form import AccountFormMixin
from users.models import User
from users.sign_up import EmailRequiredMixin
from users.usernames import DistinctUsernameMixin


class UserCreationForm(DistinctUsernameMixin, auth_forms.UserCreationForm):
    """A sign-up form: username, password twice, and the extra fields."""

    class Meta(auth_forms.UserCreationForm.Meta):
        model = User
        fields = (
            *auth_forms.UserCreationForm.Meta.fields,
            "email",
            "date_of_birth",
            "phone_number",
        )


class AdminUserCreationForm(DistinctUsernameMixin, auth_forms.AdminUserCreationForm):
    """The admin's add form, which can also leave the password unusable."""

    class Meta(auth_forms.AdminUserCreationForm.Meta):
        model = User


class UserChangeForm(DistinctUsernameMixin, auth_forms.UserChangeForm):
    """The admin's change form; the password hash is never editable or shown."""

    class Meta(auth_forms.UserChangeForm.Meta):
        model = User


class SignUpForm(EmailRequiredMixin, UserCreationForm):
    """The public sign-up form; the email address is required to reset a password."""

    class Meta(UserCreationForm.Meta):
        widgets = {"date_of_birth": forms.DateInput(attrs={"type": "date"})}


class AccountForm(AccountFormMixin, forms.ModelForm):
    """
    What signed-in people may change about themselves on "Your account"; a new
    email address needs the current password.
    """

    class Meta:
        model = User
        fields = ("first_name", "last_name", "email", "date_of_birth", "phone_number")
        widgets = {"date_of_birth": forms.DateInput(attrs={"type": "date"})}
