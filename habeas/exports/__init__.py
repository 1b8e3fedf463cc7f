"""Exports for partners: a case's full record as JSON, the case list as CSV."""
