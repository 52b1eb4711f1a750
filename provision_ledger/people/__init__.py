"""Local authorities, schools and their calendars, children, and the people who may see them."""
