"""
WSGI config for chibo project.

It exposes the WSGI callable as a module-level variable named ``application``.

For more information on this file, see
https://docs.djangoproject.com/en/5.2/howto/deployment/wsgi/
"""

import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chibo.settings")

application = get_wsgi_application()
# Load every view module now, then move the whole loaded application (about 150,000 objects)
# out of the garbage collector's reach: they live as long as the process. Without this, each
# full collection walks them all, 65-90 ms in the middle of some request (the flags page's p95
# on the generated province); with it, about 5 ms. See docs/decisions/0004-gc-freeze.md.
get_resolver().url_patterns  # noqa: B018 (imports the URLconf and its views)
gc.freeze()
