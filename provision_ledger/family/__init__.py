"""The family's own record: a child, plan and entries kept by a parent whose school keeps none they can see."""
