"""Web pages and the language switch, through Django's test client."""
