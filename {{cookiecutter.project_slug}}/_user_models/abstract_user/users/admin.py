from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from users.forms import AdminUserCreationForm, UserChangeForm
from users.models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = UserChangeForm
    add_form = AdminUserCreationForm
    # The extra fields join Django's "Personal info" section, second on the page.
    fieldsets = (
        BaseUserAdmin.fieldsets[0],
        (
            _("Personal info"),
            {
                "fields": (
                    "first_name",
                    "last_name",
                    "email",
                    "date_of_birth",
                    "phone_number",
                )
            },
        ),
        *BaseUserAdmin.fieldsets[2:],
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        (_("Personal info"), {"fields": ("email", "date_of_birth", "phone_number")}),
    )
    list_display = (*BaseUserAdmin.list_display, "phone_number")
    search_fields = (*BaseUserAdmin.search_fields, "phone_number")
