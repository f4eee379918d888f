#!/usr/bin/env python
"""Django's manage.py, kept for developers used to it; `govshare` is the same thing."""

from govshare.cli import main

if __name__ == "__main__":
    main()
