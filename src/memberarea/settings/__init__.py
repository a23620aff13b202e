"""Settings modules: embedded (default, one machine), production, test. All read the environment."""
