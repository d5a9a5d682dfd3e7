from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from users.forms import (
    AdminUserCreationForm,
    EmailTakenMeanwhile,
    UserChangeForm,
    email_taken_as_field_error,
)
from users.models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = UserChangeForm
    add_form = AdminUserCreationForm
    # Django's UserAdmin names "username", "first_name" and "last_name", which this
    # user does not have; every option that lists fields is replaced.
    fieldsets = (
        (None, {"fields": ("email", "pending_email", "password")}),
        (_("Personal info"), {"fields": ("date_of_birth", "phone_number")}),
        (
            _("Permissions"),
            {
                "fields": (
                    "is_active",
                    "awaiting_confirmation",
                    "is_staff",
                    "is_superuser",
                    "groups",
                    "user_permissions",
                ),
            },
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                # Without "usable_password" the admin could no longer create a
                # user who may only log in through another backend.
                "fields": ("email", "usable_password", "password1", "password2"),
            },
        ),
        (_("Personal info"), {"fields": ("date_of_birth", "phone_number")}),
    )
    # Set by sign-up and the mailed links alone: an account opened here stops
    # waiting (save_model), and one closed here stays closed.
    readonly_fields = ("pending_email", "awaiting_confirmation")
    list_display = ("email", "phone_number", "is_staff", "is_active")
    search_fields = ("email", "phone_number")
    ordering = ("email",)

    def save_model(self, request, obj, form, change):
        if obj.is_active:
            obj.awaiting_confirmation = False
        with email_taken_as_field_error(form):
            super().save_model(request, obj, form, change)

    # Another request may store the same address between this one's validation
    # and its save (two clicks on "Save", two admins at once): save_model() then
    # raises EmailTakenMeanwhile, which rolls back the view's transaction. Run
    # once more, the view finds the address taken and shows the usual error on
    # "email" instead of a server error.

    def add_view(self, request, form_url="", extra_context=None):
        try:
            return super().add_view(request, form_url, extra_context)
        except EmailTakenMeanwhile:
            return super().add_view(request, form_url, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        try:
            return super().change_view(request, object_id, form_url, extra_context)
        except EmailTakenMeanwhile:
            return super().change_view(request, object_id, form_url, extra_context)
