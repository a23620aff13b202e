"""The customer-service back office (BO-1..5): staff pages that reach members only through `access_member`."""
