"""Commands of the `portal` CLI that are bigger than a few lines."""
