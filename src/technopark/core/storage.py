"""Private file storage: uploads that must never be reachable by a public URL.

Guarantees: files live under ``VAR_DIR/private`` (read from the settings on every use, so tests
and deployments that move ``VAR_DIR`` move the files too) and the storage has no URL: a file is
served only by a view that checks permission first.

Model fields pass the callable ``private_storage`` (not an instance), so migrations record a path
to a function rather than a frozen location.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage


class PrivateStorage(FileSystemStorage):
    @property
    def base_location(self) -> Path:
        return Path(settings.VAR_DIR) / "private"

    @property
    def location(self) -> str:
        return str(Path(self.base_location).resolve())

    @property
    def base_url(self) -> None:  # type: ignore[override]
        return None


def private_storage() -> PrivateStorage:
    return PrivateStorage()
