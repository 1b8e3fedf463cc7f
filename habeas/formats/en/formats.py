"""Dates as Habeas writes partial dates ("16 Nov 2026"): one way of writing a date on
every page, unambiguous to readers of any country (no 11/16 vs 16/11)."""

DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y, H:i"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
TIME_FORMAT = "H:i"
# A day of this year, as reminders are read ("29 Dec", "29 декабря").
MONTH_DAY_FORMAT = "j M"
