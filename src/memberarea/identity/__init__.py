"""Accounts, passwords, sign-in, sessions and devices."""
