"""Who changed what, when, with the values before and after."""
