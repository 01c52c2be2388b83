"""The floors of `make bench`: what the same server does with (almost) no application.

- `bench.floor.wsgi:application`: a minimal Django project (`settings`, `urls`), one JSON
  view, no database, no apps and no middleware: what any Django request costs on that
  server (the `floor_django` scenario, which every other scenario is reported against);
- `bench.floor.hello:application`: a bare WSGI callable, the server's own cost alone
  (`floor_wsgi`, the lower bound).

Served by bench/run.py with exactly the server setup staffdesk gets (bench/servers.py).
"""
