"""Logging for servers: one event per line, and few mails to ADMINS."""

import logging
from collections import deque
from copy import copy
from time import monotonic

from django.conf import settings
from django.utils.log import AdminEmailHandler

logger = logging.getLogger(__name__)


class OneLineFormatter(logging.Formatter):
    """Format a record, traceback included, on a single line."""

    def format(self, record):
        # A traceback split over lines would be read as many unrelated events;
        # "\n" escapes keep it one event that still reads back as lines.
        return super().format(record).replace("\n", "\\n")


class ThrottledAdminEmailHandler(AdminEmailHandler):
    """Mail errors to ADMINS, at most `limit` mails in any `period` seconds."""

    def __init__(self, *args, limit, period, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit = limit
        self.period = period
        # When each of the latest mails went out, oldest first.
        self.sent = deque(maxlen=limit)
        self.paused = False

    def emit(self, record):
        if not settings.ADMINS:
            # Nothing to send, so nothing to count or to pause.
            return
        now = monotonic()
        if len(self.sent) == self.limit and now - self.sent[0] < self.period:
            # A broken page fails on every request: past the first mails, more
            # would only bury them, and the log keeps every error.
            if not self.paused:
                self.paused = True
                logger.warning(
                    "Not mailing ADMINS for %d s: %d errors were mailed in the "
                    "last %d s; the log keeps the others.",
                    self.sent[0] + self.period - now,
                    self.limit,
                    self.period,
                )
            return
        self.paused = False
        self.sent.append(now)
        try:
            super().emit(without_unreadable_request(record))
        except Exception:
            # An exception leaving a handler would escape the logging call in
            # Django's request handler and turn the error into another one in
            # every middleware.
            self.handleError(record)


def without_unreadable_request(record):
    """Return the record, without its request if the report cannot read it."""
    request = getattr(record, "request", None)
    if request is None:
        return record
    try:
        # Django's report lists the request's parameters and files. Past
        # DATA_UPLOAD_MAX_NUMBER_FIELDS and the like, reading them raises anew,
        # and the error would go unreported.
        request.GET, request.POST, request.FILES  # noqa: B018
    except Exception:
        record = copy(record)
        record.request = None
    return record
