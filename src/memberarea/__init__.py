"""memberarea: the private member area of a health insurer."""
