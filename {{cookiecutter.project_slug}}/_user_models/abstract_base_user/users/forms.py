from django import forms
from django.contrib.auth import forms as auth_forms

from users.models import User


class UniqueEmailMixin:
    """
    Form mixin that stores the address in its one spelling and refuses an
    address another user has in any case.
    """

    def clean_email(self):
        email = User.objects.normalize_email(self.cleaned_data["email"])
        # Left to the model, Django 5.2 reports a duplicate twice: once from the
        # case-insensitive constraint and once from unique=True. A field error
        # here makes the model skip both, so the form shows it once, on "email".
        try:
            owner = User.objects.get_by_natural_key(email)
        except User.DoesNotExist:
            return email
        if owner.pk != self.instance.pk:
            raise self.instance.unique_error_message(User, ["email"])
        return email


class UserCreationForm(UniqueEmailMixin, auth_forms.UserCreationForm):
    """A sign-up form: email, password twice, and the extra fields."""

    class Meta:
        model = User
        fields = ("email", "date_of_birth", "phone_number")


class AdminUserCreationForm(UniqueEmailMixin, auth_forms.AdminUserCreationForm):
    """The admin's add form, which can also leave the password unusable."""

    class Meta(UserCreationForm.Meta):
        pass


class UserChangeForm(UniqueEmailMixin, auth_forms.UserChangeForm):
    """The admin's change form; the password hash is never editable or shown."""

    class Meta:
        model = User
        fields = "__all__"


class SignUpForm(UserCreationForm):
    """
    The public sign-up form, which keeps to itself whether an address is taken.

    Telling the visitor would let anyone find out who has an account here; the
    view mails the address's owner instead.
    """

    class Meta(UserCreationForm.Meta):
        widgets = {"date_of_birth": forms.DateInput(attrs={"type": "date"})}

    def address_taken(self):
        """Validate, and say whether the address has an account, hiding that error."""
        errors = self.errors.get("email")
        if errors is None or not self.has_error("email", "unique"):
            return False
        remaining = [error for error in errors.as_data() if error.code != "unique"]
        if remaining:
            self.errors["email"] = self.error_class(remaining)
        else:
            del self.errors["email"]
        return True


class AccountForm(forms.ModelForm):
    """
    What signed-in people may change about themselves on "Your account".

    A new email address is not saved here: it becomes the account's address only
    once its owner follows the link mailed to it.
    """

    email = User._meta.get_field("email").formfield()

    class Meta:
        model = User
        fields = ("date_of_birth", "phone_number")
        widgets = {"date_of_birth": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].initial = self.instance.email
        self.order_fields(["email"])

    def clean_email(self):
        return User.objects.normalize_email(self.cleaned_data["email"])

    def new_email(self):
        """The address asked for, when it differs from the account's own."""
        email = self.cleaned_data["email"]
        return email if email != self.instance.email else None
