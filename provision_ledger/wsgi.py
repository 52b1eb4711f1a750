"""WSGI entry point."""

import os

from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

from provision_ledger.ops.production import missing_settings

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "provision_ledger.settings")
# Whatever WSGI server loads this, production never serves half configured.
if problems := missing_settings():
    raise ImproperlyConfigured("Not starting under PRODUCTION=True: " + " ".join(problems))
application = get_wsgi_application()
