"""Icons, styles and translations, installed as the ``gpt2desk.resources`` package.

This folder holds data only; use ``gpt2desk.assets.resource_path()`` to find a file.
"""
