"""Middleware of the project's own."""


def head_without_body(get_response):
    """
    Answer a HEAD request with the headers of a GET and no body.

    Django leaves the body for the server to drop; gunicorn drops it and logs a
    warning for every such request, and uptime monitors send one a minute.
    """

    def middleware(request):
        response = get_response(request)
        if request.method == "HEAD" and not response.streaming:
            # Content-Length, set by CommonMiddleware further in, stays the
            # length of the GET's body, as HTTP asks of a HEAD response.
            response.content = b""
        return response

    return middleware
