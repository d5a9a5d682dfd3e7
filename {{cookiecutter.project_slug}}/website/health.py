"""The health check that load balancers and container platforms probe."""

import logging

from django.db import DatabaseError, connection
from django.http import HttpResponse, HttpResponseNotAllowed

HEALTH_PATH = "/healthz"
logger = logging.getLogger(__name__)


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
        except DatabaseError as error:
            logger.warning("Health check: the database does not answer: %s", error)
            response = HttpResponse("unavailable\n", status=503)
        else:
            response = HttpResponse("ok\n")
        response["Content-Type"] = "text/plain; charset=utf-8"
        response["Cache-Control"] = "no-store"
        if request.method == "HEAD":
            response.content = b""
        return response

    return middleware


class NotAProbe(logging.Filter):
    """Leave out django.request's error for a failed probe, logged above instead."""

    # Probes come every few seconds: during an outage, each would otherwise be
    # an ERROR line and a mail to ADMINS.
    def filter(self, record):
        request = getattr(record, "request", None)
        return getattr(request, "path_info", None) != HEALTH_PATH
