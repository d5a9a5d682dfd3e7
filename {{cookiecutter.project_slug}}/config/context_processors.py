from django.conf import settings


def site(request):
    """Give every template the site's name and whether people may sign up."""
    return {"site_name": settings.SITE_NAME, "signup_open": settings.SIGNUP_OPEN}
