"""Static files: WhiteNoise's compressed manifest storage, usable before `collectstatic`.

After `staffdesk collectstatic` (part of `make run`) every file has a content-hashed name
and compressed copies, so WhiteNoise serves it gzipped (or brotli) with a year's
`Cache-Control: immutable`. Before it (tests, a checkout that only ran `migrate`), or when
a source file changed after it, pages name the plain files, which WhiteNoise serves from the
apps' folders (`WHITENOISE_USE_FINDERS`) uncompressed and briefly cached.
"""

from __future__ import annotations

import logging
from pathlib import Path

from django.contrib.staticfiles import finders
from whitenoise.storage import CompressedManifestStaticFilesStorage

logger = logging.getLogger(__name__)


def _newest_source() -> float:
    """The latest modification time of the files `collectstatic` would collect."""
    newest = 0.0
    for finder in finders.get_finders():
        for path, storage in finder.list([]):
            newest = max(newest, Path(storage.path(path)).stat().st_mtime)
    return newest


class StaticStorage(CompressedManifestStaticFilesStorage):
    manifest_strict = False

    def load_manifest(self) -> tuple[dict[str, str], str]:
        """The manifest (paths and hash), unless a source file is newer: then none."""
        if not self.exists(self.manifest_name):
            return {}, ""
        if Path(self.path(self.manifest_name)).stat().st_mtime < _newest_source():
            logger.warning("static files changed since collectstatic; serving them unhashed")
            return {}, ""
        return super().load_manifest()

    def stored_name(self, name: str) -> str:
        try:
            return super().stored_name(name)
        except ValueError:  # not collected: the file has no hashed copy in STATIC_ROOT
            return name
