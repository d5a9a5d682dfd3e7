from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from users.forms import AdminUserCreationForm, UserChangeForm
from users.models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = UserChangeForm
    add_form = AdminUserCreationForm
    # Django's UserAdmin names "username", "first_name" and "last_name", which this
    # user does not have; every option that lists fields is replaced.
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal info"), {"fields": ("date_of_birth", "phone_number")}),
        (
            _("Permissions"),
            {
                "fields": (
                    "is_active",
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
    list_display = ("email", "phone_number", "is_staff", "is_active")
    search_fields = ("email", "phone_number")
    ordering = ("email",)
