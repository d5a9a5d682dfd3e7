"""
The error pages, in the site's own layout.

Django's own error views first run the CSRF check, which reads a POST request's
form data: for data that cannot be read (a charset other than UTF-8), the 400
page raised the same error again, and so did the 500 page after it, so the
request reached gunicorn as an unhandled exception with a traceback hundreds of
lines long. These views never read the request's body.
"""

from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template.loader import render_to_string


def error_page(status):
    """Return the view that renders templates/<status>.html with that status."""

    def view(request, exception):
        return render(request, f"{status}.html", status=status)

    return view


bad_request = error_page(400)
permission_denied = error_page(403)
page_not_found = error_page(404)


def server_error(request):
    # Without the request: drawing the page must not depend on whatever failed,
    # the database behind the session and the signed-in user included.
    return HttpResponseServerError(render_to_string("500.html"))
