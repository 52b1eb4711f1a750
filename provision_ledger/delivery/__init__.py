"""Sessions: what was delivered against each provision line, and the staff register."""
