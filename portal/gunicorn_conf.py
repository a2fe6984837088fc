"""gunicorn settings for the portal: `gunicorn -c python:portal.gunicorn_conf "portal:create_app()"`.

Every wait on the database ends within seconds (portal/db.py), far under `timeout`, so a stuck
database gives people the "try again" page instead of killed workers. No access log: gunicorn's
would hold client addresses and user agents.
"""

import logging
import os
from typing import Any

from gunicorn.glogging import Logger as _GunicornLogger  # type: ignore[import-untyped]

from portal.logs import logging_config


class Logger(_GunicornLogger):  # type: ignore[misc]  # gunicorn has no type hints
    """gunicorn's logger, which builds no access line that its (silenced) access logger would
    drop: with a logging config it built one for every request, about 2 % of a submission."""

    def access(self, resp: Any, req: Any, environ: Any, request_time: Any) -> None:
        if self.access_log.isEnabledFor(logging.INFO):
            super().access(resp, req, environ, request_time)


bind = os.environ.get("PORTAL_BIND", "127.0.0.1:8000")
# Sync workers: one request per process, which the KDF-bound submission wants. The default
# fits a small machine; set PORTAL_WORKERS for a bigger one (about 2 x cores).
workers = int(os.environ.get("PORTAL_WORKERS", "4"))
worker_class = "sync"
timeout = 30
graceful_timeout = 20
keepalive = 5
# Workers are replaced now and then, so slow growth (caches, fragmentation) cannot add up.
max_requests = 5000
max_requests_jitter = 500
# The reverse proxy on this machine is the only one whose X-Forwarded-* headers count.
forwarded_allow_ips = os.environ.get("PORTAL_FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = None
errorlog = "-"
loglevel = os.environ.get("PORTAL_LOG_LEVEL", "info")
# PORTAL_ACCESS_LOG=true turns gunicorn's request lines on, through the same filter (no address,
# user agent, referrer, query or unknown path segment); off by default.
access_log = os.environ.get("PORTAL_ACCESS_LOG", "false").lower() == "true"
logconfig_dict = logging_config(loglevel.upper(), access=access_log)
logger_class = Logger

# The app is set up once, in the master, and every worker is forked from it. A worker replaced
# after max_requests (or after a crash) then starts at once, where before each one imported and
# set up the whole portal again: about 0.6 s of CPU (`import wsgi` and a first page), spent
# every few thousand requests by every worker. No database connection is made while setting up,
# and each worker drops any pooled connection it inherited (post_fork below).
preload_app = True


def when_ready(server: Any) -> None:
    """In the master, before the first fork: compile every template and load every catalogue
    once, so no worker pays for them again."""
    from portal import warm_up

    warm_up(server.app.wsgi())


def post_fork(server: Any, worker: Any) -> None:
    from portal import after_fork

    after_fork(server.app.wsgi())
