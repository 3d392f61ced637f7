"""Who may act: roles and rights, accounts, the audit trail, and actions taken as a person."""
