from wagtail.users import forms
from wagtail.users.views.users import UserViewSet as BaseUserViewSet


class UserCreationForm(forms.UserCreationForm):
    first_name = None
    last_name = None

    class Meta(forms.UserCreationForm.Meta):
        fields = ("email", "is_superuser", "groups")


class UserEditForm(forms.UserEditForm):
    first_name = None
    last_name = None

    class Meta(forms.UserEditForm.Meta):
        fields = ("email", "is_active", "is_superuser", "groups")


class UserViewSet(BaseUserViewSet):
    def get_form_class(self, for_update=False):
        return UserEditForm if for_update else UserCreationForm
