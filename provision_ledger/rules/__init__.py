"""Pure-Python rules: the school calendar, expected delivery, compliance, owed time and legal force."""
