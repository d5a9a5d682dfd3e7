from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _

from users.forms import AdminUserCreationForm, UserChangeForm
from users.models import Profile

User = get_user_model()


class ProfileInlineFormSet(BaseInlineFormSet):
    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        # A page opened for a user without a profile sends a form for a new one.
        # If the profile was created meanwhile (any read of user.profile creates
        # it), that form edits it instead of failing as a second profile.
        if self.is_bound and index is not None and index >= self.initial_form_count():
            kwargs["instance"] = self.get_queryset().first()
        return kwargs


class ProfileInline(admin.StackedInline):
    model = Profile
    fk_name = "user"
    formset = ProfileInlineFormSet
    can_delete = False


# Profile has no admin of its own: it is edited where it belongs, on its user's
# page, and a separate list would offer to delete profiles that every user needs.
admin.site.unregister(User)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = UserChangeForm
    add_form = AdminUserCreationForm
    inlines = (ProfileInline,)
    list_display = (*BaseUserAdmin.list_display, "phone_number")
    # The changelist joins only forward relations by itself; without this, each
    # row's phone number costs a query.
    list_select_related = ("profile",)
    search_fields = (*BaseUserAdmin.search_fields, "profile__phone_number")

    def get_inlines(self, request, obj):
        # Saving the new user creates its profile (post_save); an inline on the
        # add page would try to insert a second one.
        if obj is None:
            return ()
        return super().get_inlines(request, obj)

    @admin.display(description=_("phone number"), ordering="profile__phone_number")
    def phone_number(self, user):
        return user.profile.phone_number
