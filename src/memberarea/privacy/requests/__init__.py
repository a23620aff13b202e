"""Rights requests (PRIV-8, decision 0033): the member asks (`workflow.request_make`), an officer works the
queue (`workflow` steps), the member is told at every step (`telling`), and what leaves the portal —
exports, erasure, messages to the core system — goes through one module (`fulfil`)."""
