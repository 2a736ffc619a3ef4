"""Tests for gpt2desk.core (no Qt needed)."""
