"""What the CSV exports of every app share: how a file starts and how it is streamed."""

from __future__ import annotations

BOM = "\ufeff"  # lets Excel recognise UTF-8, so Cyrillic names open correctly
CHUNK_SIZE = 2000  # rows per database round trip (related rows are fetched once per chunk)
LINES_PER_BLOCK = 200  # CSV lines handed to the streaming response at a time
