"""WSGI entry point for any production server (gunicorn, waitress, uWSGI)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "staffdesk.config.settings")
application = get_wsgi_application()
