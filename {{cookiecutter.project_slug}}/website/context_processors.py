from django.conf import settings


def site(request):
    """Give every template the project's name and whether people may sign up."""
    # Not "site_name": Django's auth views set that to the request's host name.
    return {"project_name": settings.SITE_NAME, "signup_open": settings.SIGNUP_OPEN}
