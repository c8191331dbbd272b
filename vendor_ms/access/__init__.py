"""Who may do what: users, bearer tokens, callers and their scope, and the audit trail."""
