#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main():
    """Run administrative tasks."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    try:
        from django.core.management import execute_from_command_line
    except ImportError as exc:
        raise ImportError(
            "Couldn't import Django. Is it installed and is the virtual environment "
            "active? See README.md for the setup command."
        ) from exc
    from config.environment import import_settings_or_exit

    import_settings_or_exit()
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
