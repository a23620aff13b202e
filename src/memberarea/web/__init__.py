"""The member-facing web: thin views, templates and static files."""
