from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from users.forms import AdminUserCreationForm, UserChangeForm
from users.models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = UserChangeForm
    add_form = AdminUserCreationForm
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        ("Personal details", {"fields": ("date_of_birth", "phone_number")}),
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        ("Personal details", {"fields": ("email", "date_of_birth", "phone_number")}),
    )
    list_display = (*BaseUserAdmin.list_display, "phone_number")
    search_fields = (*BaseUserAdmin.search_fields, "phone_number")
