"""Import the settings first, so a bad value stops pytest as it stops manage.py."""

import pytest

from config.environment import import_settings_or_exit


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config, parser, args):
    # A fresh clone has no .env yet; pytest-django would report the missing
    # SECRET_KEY at the end of a long traceback, where manage.py gives one line.
    options = early_config.known_args_namespace
    if not (options.help or options.version):
        import_settings_or_exit()
