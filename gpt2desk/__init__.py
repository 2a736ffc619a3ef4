"""gpt2desk: an offline desktop writing assistant built on GPT-2."""

__version__ = "0.1.0"
