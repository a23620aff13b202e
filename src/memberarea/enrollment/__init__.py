"""What the insurer already knows: persons, policies, memberships, guardianships, and their import."""
