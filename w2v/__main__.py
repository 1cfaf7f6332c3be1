"""`python -m w2v …`: see w2v/cli.py."""
import sys

from .cli import main

sys.exit(main())
