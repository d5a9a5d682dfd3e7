"""Log formatting for servers, whose log collectors read one event per line."""

import logging


class OneLineFormatter(logging.Formatter):
    """Format a record, traceback included, on a single line."""

    def format(self, record):
        # A traceback split over lines would be read as many unrelated events;
        # "\n" escapes keep it one event that still reads back as lines.
        return super().format(record).replace("\n", "\\n")
