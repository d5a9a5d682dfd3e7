"""
gunicorn's settings, read from the same environment as Django's.

    gunicorn            # serves config.wsgi:application on HOST:PORT
"""

import os

from config.environment import Env, exit_on_bad_environment, import_settings_or_exit

# A bad environment value stops the server here with one line, before any worker
# starts; the settings also load .env into the environment when there is one.
import_settings_or_exit()
env = Env()

wsgi_app = "config.wsgi:application"
# Threads let a worker answer other requests while one waits on the database or a
# slow client; processes use the cores.
worker_class = "gthread"
with exit_on_bad_environment():
    host = env.str("HOST", default="127.0.0.1")
    port = env.int("PORT", default=8000, minimum=1, maximum=65535)
    workers = env.int("WEB_WORKERS", default=2 * (os.cpu_count() or 1) + 1, minimum=1)
    threads = env.int("WEB_THREADS", default=4, minimum=1)
bind = f"{host}:{port}"
# Whether a request came over HTTPS is Django's call (SECURE_PROXY_SSL_HEADER), so
# gunicorn passes the proxy's headers through instead of acting on them itself.
secure_scheme_headers = {}
# Requests go to stdout, Django's own log to stderr.
accesslog = "-"
# Newer gunicorns open a control socket at one path per user, which a second
# server on the same machine would take over; nothing here uses it.
control_socket_disable = True
