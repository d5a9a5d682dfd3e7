from django.conf import settings
from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse
from django_otp import user_has_device

from users.second_factor import ask_for_code, safe_next, second_factor_url


class SecondFactorAdminSite(admin.AdminSite):
    """
    The admin, open to staff whose session was verified with a second factor.

    A password alone, phished or reused from another site, must not reach
    everyone's accounts. ADMIN_REQUIRES_SECOND_FACTOR = False lifts this.
    """

    def has_permission(self, request):
        return super().has_permission(request) and (
            request.user.is_verified() or not settings.ADMIN_REQUIRES_SECOND_FACTOR
        )

    def login(self, request, extra_context=None):
        user = request.user
        next_url = safe_next(request, reverse("admin:index", current_app=self.name))
        # One way in for everyone: the site's log-in page, which asks for the
        # code of those who have a factor.
        if not user.is_authenticated:
            return redirect_to_login(next_url)
        if user.is_active and user.is_staff and not self.has_permission(request):
            if user_has_device(user):
                # Signed in without the code, some other way than the log-in page.
                ask_for_code(request, user, next_url)
                return redirect("login_code")
            return redirect(second_factor_url(next_url))
        return super().login(request, extra_context)
