"""The demo organization `staffdesk demo` (and `make run`) loads: a small city government.

Not product code: its catalog, people, agreements, ladder and lines are data files
(`data/*.toml`, read by `data.py`); the rest plays them through the product's services. No
product app imports this package (an import-linter contract in `pyproject.toml`).
"""
