"""The project's own date and number formats (``settings.FORMAT_MODULE_PATH``).

Django's defaults write English the American way ("Dec. 7, 2026, 1 p.m.", "12/07/2026") and end
Russian dates with "г.", which doubles the full stop when a date ends a sentence ("до 7 декабря
2026 г.."). Ours: English as written outside the US ("7 December 2026", 24-hour clock), Russian
dates without "г." ("7 декабря 2026"). Every form accepts the reader's own way of typing a date
and the ISO form that ``<input type="date">`` sends (``core.forms``).
"""
