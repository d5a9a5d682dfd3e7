"""Copied into a generated project as the package third_party: the apps added to it."""
