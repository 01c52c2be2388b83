"""The minimal Django project of the `floor_django` scenario: what Django needs to answer a
request and nothing else (no database, no installed apps, no middleware, no templates)."""

SECRET_KEY = "bench-floor-only-" + "x" * 40
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
ROOT_URLCONF = "bench.floor.urls"
INSTALLED_APPS: list[str] = []
MIDDLEWARE: list[str] = []
DATABASES: dict[str, dict[str, str]] = {}
USE_TZ = True
