"""The health check that load balancers and container platforms probe."""

from django.db import DatabaseError, connection
from django.http import HttpResponse, HttpResponseNotAllowed

HEALTH_PATH = "/healthz"


def health_check(get_response):
    """
    Answer GET /healthz with 200 while the database answers, 503 while not.

    First in MIDDLEWARE: probes reach the server by its own address, over plain
    HTTP and without a proxy's headers, so host validation and the HTTPS
    redirect, which every other path keeps, must not see them.
    """

    def middleware(request):
        if request.path_info != HEALTH_PATH:
            return get_response(request)
        if request.method not in {"GET", "HEAD"}:
            return HttpResponseNotAllowed(["GET", "HEAD"])
        try:
            # Django replaces a connection the database closed before handing out
            # a cursor, so an outage that has ended is seen as ended.
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
        except DatabaseError:
            response = HttpResponse("unavailable\n", status=503)
        else:
            response = HttpResponse("ok\n")
        response["Content-Type"] = "text/plain; charset=utf-8"
        response["Cache-Control"] = "no-store"
        if request.method == "HEAD":
            response.content = b""
        return response

    return middleware
