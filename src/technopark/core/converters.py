"""The path converter of every id in a page's address: ``<id:pk>``.

Django's ``<id:…>`` takes any run of digits, so ``/companies/99999999999999999999999/`` reached
the view with a number no database key can hold (SQLite and PostgreSQL raise on a lookup beyond
64 bits). ``<id:…>`` matches at most 19 ASCII digits and only values from 1 to ``MAX_ID``; any
other address matches no pattern and is a 404. Registered once, in ``CoreConfig.ready``.
"""

from __future__ import annotations

from technopark.core.params import ID


class IdConverter:
    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        return ID.parse(value)  # ValueError: no match, so 404

    def to_url(self, value: int | str) -> str:
        return str(value)
