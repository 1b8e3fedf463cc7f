"""Russian dates as Russian documents write them ("16 ноября 2026 г.",
habeas.advocacy.texts.format_date): the month in the genitive (Django's "E"), the
year marked "г.", the same on every page. Numbers: a decimal comma."""

DATE_FORMAT = "j E Y г."
DATETIME_FORMAT = "j E Y г., H:i"
SHORT_DATE_FORMAT = "j E Y г."
SHORT_DATETIME_FORMAT = "j E Y г., H:i"
TIME_FORMAT = "H:i"
# A day of this year, as reminders are read ("29 Dec", "29 декабря").
MONTH_DAY_FORMAT = "j E"
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "\xa0"
NUMBER_GROUPING = 3
FIRST_DAY_OF_WEEK = 1
