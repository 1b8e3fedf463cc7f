"""People at risk: check-in plans, duress, escalation, and the case opened from
an emergency file."""
