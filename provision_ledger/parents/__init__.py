"""What parents do: accept an invitation, raise concerns, hear about misses, take their child's whole record."""
