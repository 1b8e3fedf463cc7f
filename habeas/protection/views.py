"""Pages of people at risk and the check-in page."""
