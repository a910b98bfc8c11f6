"""Services: every write to a competition, each validated, stored in one transaction with its
audit record, committed, then announced on the live bus."""
