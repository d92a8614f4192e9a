"""``manage.py seed_demo`` run twice: the second run neither fails nor duplicates anything."""

from __future__ import annotations

from typing import Any

from tests.demo.test_seed import counts, seed


def test_second_run_changes_nothing(db: Any) -> None:
    first_output = seed()
    first = counts()
    second_output = seed()

    assert counts() == first
    assert "nothing new" not in first_output
    assert "nothing new" in second_output
    assert first["Company"] == 210  # 200 in Yakutia, 10 in Magadan
    assert first["StageChange"] > first["Company"]  # some companies keep a history
