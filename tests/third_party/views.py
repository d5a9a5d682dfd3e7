from django.conf import settings
from rest_framework.response import Response
from rest_framework.views import APIView


def phone_number(user):
    """Read the example field where the chosen user model keeps it."""
    if settings.AUTH_USER_MODEL == "auth.User":
        return user.profile.phone_number
    return user.phone_number


class CurrentUserView(APIView):
    """Describe the user the request is authenticated as."""

    def get(self, request):
        user = request.user
        return Response(
            {
                "pk": user.pk,
                "login": user.get_username(),
                "phone_number": phone_number(user),
            }
        )
