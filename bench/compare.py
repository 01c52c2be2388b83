"""Results files side by side: `python -m bench.compare A.json B.json [...]`.

One column per file (a server, a database, a commit): each scenario's median req/s, median
p99 and share of the minimal Django floor on the same server. Older files' `floor_api` is
listed as `me_api`, its name since the floors were added.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from bench.report import comparison


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results", nargs="+", type=Path, help="bench/results/*.json")
    args = parser.parse_args(argv)
    print(comparison([json.loads(path.read_text()) for path in args.results]))


if __name__ == "__main__":
    main()
