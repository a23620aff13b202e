"""View modules per area; each view only translates HTTP to a service or selector call."""
