"""Opens the gpt2desk window (``python main.py --model PATH_OR_HUB_ID``)."""

import sys

from gpt2desk.app import run

if __name__ == "__main__":
    sys.exit(run())
