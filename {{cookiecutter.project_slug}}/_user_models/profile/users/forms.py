from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import get_user_model

from users.account_form import AccountFormMixin
from users.models import Profile
from users.sign_up import EmailRequiredMixin
from users.usernames import DistinctUsernameMixin

User = get_user_model()


class SignUpForm(
    EmailRequiredMixin, DistinctUsernameMixin, auth_forms.UserCreationForm
):
    """The user's part of sign-up; the email address is required to reset a password."""

    class Meta(auth_forms.UserCreationForm.Meta):
        fields = (*auth_forms.UserCreationForm.Meta.fields, "email")


class AdminUserCreationForm(DistinctUsernameMixin, auth_forms.AdminUserCreationForm):
    """The admin's add form, which can also leave the password unusable."""


class UserChangeForm(DistinctUsernameMixin, auth_forms.UserChangeForm):
    """The admin's change form; the password hash is never editable or shown."""


class AccountForm(AccountFormMixin, forms.ModelForm):
    """The user's own fields on "Your account"; a new address needs the password."""

    class Meta:
        model = User
        fields = ("first_name", "last_name", "email")


class ProfileForm(forms.ModelForm):
    """The profile's fields, asked for on sign-up and on "Your account"."""

    class Meta:
        model = Profile
        fields = ["date_of_birth", "phone_number"]
        widgets = {"date_of_birth": forms.DateInput(attrs={"type": "date"})}
