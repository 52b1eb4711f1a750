"""Provision Ledger: what each child's plan promises, what was delivered, and what is owed."""
