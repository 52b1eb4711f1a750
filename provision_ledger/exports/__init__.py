"""The child's whole record as files: a PDF statement, a CSV of every session, and a JSON of everything held."""
