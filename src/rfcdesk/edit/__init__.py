"""Edits that keep every byte they do not mean to change, and the one writer of a user's files."""
