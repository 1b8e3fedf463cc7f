"""Spreadsheet import (CSV, XLSX, ODS): mapping, dry run, duplicates, one transaction a file."""
