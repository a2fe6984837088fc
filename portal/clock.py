"""The one clock: UTC, without a time zone (as the database stores times).

`create_app` puts `utc_now` in `app.extensions["portal.clock"]`; the web layer asks
`portal.web.context.now()` / `today()`, and a test may put another clock there. The domain never
reads the time itself: it is passed in.
"""

from __future__ import annotations

import datetime as dt


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def utc_today() -> dt.date:
    return utc_now().date()
