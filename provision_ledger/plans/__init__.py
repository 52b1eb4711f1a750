"""Plans and their provision lines: what each child is promised."""
