from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from users.models import Profile

UserModel = get_user_model()


class ProfileBackend(ModelBackend):
    """
    Authenticate against auth.User and load each request's user with its profile.

    The join saves the query that reading request.user.profile would otherwise
    cost on every request. Both get_user() and aget_user() are overridden:
    request.user uses the first, request.auser() the second, which also creates
    a missing profile, since async code cannot let user.profile do it.
    """

    def get_user(self, user_id):
        try:
            user = UserModel._default_manager.select_related("profile").get(pk=user_id)
        except UserModel.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None

    async def aget_user(self, user_id):
        try:
            user = await UserModel._default_manager.select_related("profile").aget(
                pk=user_id
            )
        except UserModel.DoesNotExist:
            return None
        if not self.user_can_authenticate(user):
            return None
        # The join finds no profile for a user saved without post_save; creating
        # it here keeps user.profile a plain read, which is all async code can do.
        await Profile.objects.aget_for_user(user)
        return user
