"""Site-wide pages, the access rules, the demo data and the command-line reports."""
