#!/usr/bin/env python
"""Django's command-line utility; `provision-ledger` is the same commands under the product's name."""

from provision_ledger.cli import main

if __name__ == "__main__":
    main()
