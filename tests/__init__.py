"""Tests for gpt2desk; run with ``python -m pytest``."""
