"""Registration in three steps (REG-1..6), one persisted flow driven alike by the web and the API.

Step 1 matches three enrollment facts and checks eligibility; step 2 shows the contacts on record,
masked, takes the member's changes and identity document, and sends a code to each new contact;
step 3 takes the password and writes everything in one transaction: the account, the person's
link and document, the proven contacts, the notices and the audit entry. Until then nothing but
the flow row (and its codes) exists, so an abandoned or expired flow leaves nothing half-made.

One module per step: identify.py (step 1, on the enrollment facts of ../facts.py), details.py (step 2
and its codes), link.py (a re-joiner's document already has an account), complete.py (step 3);
state.py reads a flow for all of them. Callers import the function from its step's module.
"""
