"""Next steps: what a parent can do when provision is not delivered, the letters, and the statutory clocks."""
