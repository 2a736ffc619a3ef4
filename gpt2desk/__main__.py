"""``python -m gpt2desk``: the command line (see :mod:`gpt2desk.cli`)."""

import sys

from gpt2desk.cli import run

sys.exit(run())
