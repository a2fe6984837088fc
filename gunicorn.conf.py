"""gunicorn settings for a checkout: `gunicorn -c gunicorn.conf.py wsgi:app` (see portal/gunicorn_conf.py).

An installed portal (the wheel) uses `gunicorn -c python:portal.gunicorn_conf "portal:create_app()"`.
"""

from portal.gunicorn_conf import *
