"""The shared kernel: clock, errors, encryption, audit log, rate limits, storage, brand, logging."""
