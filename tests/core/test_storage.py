"""``PrivateStorage``: files under ``VAR_DIR/private``, moved with the settings, with no URL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile

from technopark.core.storage import PrivateStorage, private_storage


def test_files_live_under_var_dir_read_at_each_use(settings: Any, tmp_path: Path) -> None:
    storage = private_storage()
    settings.VAR_DIR = tmp_path
    name = storage.save("grants/1/act.pdf", ContentFile(b"%PDF"))
    assert (tmp_path / "private" / name).read_bytes() == b"%PDF"
    settings.VAR_DIR = tmp_path / "moved"
    assert Path(storage.path(name)) == (tmp_path / "moved" / "private" / name).resolve()


def test_a_private_file_has_no_url(settings: Any, tmp_path: Path) -> None:
    settings.VAR_DIR = tmp_path
    with pytest.raises(ValueError):
        PrivateStorage().url("grants/1/act.pdf")
