from django.conf import settings
from django.shortcuts import render


class SignUpOpenMixin:
    """Answer with a "sign-up is closed" page while SIGNUP_OPEN is off."""

    def dispatch(self, request, *args, **kwargs):
        if not settings.SIGNUP_OPEN:
            return render(request, "users/signup_closed.html", status=403)
        return super().dispatch(request, *args, **kwargs)
