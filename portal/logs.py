"""Logging configuration for every process (gunicorn's own loggers included): no addresses.

`LOGGING` is a `logging.dictConfig` dictionary; gunicorn.conf.py hands it to gunicorn as
`logconfig_dict`. Every handler carries `NoAddresses`: the request-log rule of portal.security.LogHygiene (no
address, no query, no path segment that is not one of our route words), and then anything shaped
like an IP address blanked, because gunicorn's own messages (e.g. "Invalid request from ip=…")
would otherwise write the client's address.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from portal.security import LogHygiene

_IPV4 = re.compile(r"\b(?:\d{1,3}\.){3}\d{1,3}\b")
_IPV6 = re.compile(r"(?<![\w:])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?![\w:])")


class NoAddresses(LogHygiene):
    def filter(self, record: logging.LogRecord) -> bool:
        super().filter(record)
        message = record.getMessage()
        scrubbed = _IPV6.sub("-", _IPV4.sub("-", message))
        if scrubbed != message:
            record.msg, record.args = scrubbed, ()
        return True


def logging_config(level: str = "INFO", *, access: bool = False) -> dict[str, Any]:
    handler = {
        "class": "logging.StreamHandler",
        "formatter": "plain",
        "filters": ["no_addresses"],
        "stream": "ext://sys.stderr",
    }
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"no_addresses": {"()": "portal.logs.NoAddresses"}},
        "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
        "handlers": {"stderr": handler},
        "root": {"level": level, "handlers": ["stderr"]},
        "loggers": {
            # gunicorn's loggers, redefined so they too write through the filtered handler.
            "gunicorn.error": {"level": level, "handlers": ["stderr"], "propagate": False},
            "gunicorn.access": {
                "level": "INFO" if access else "WARNING",
                "handlers": ["stderr"],
                "propagate": False,
            },
            "werkzeug": {"level": level, "handlers": ["stderr"], "propagate": False},
        },
    }


LOGGING = logging_config()
