"""E-mail notifications: what each kind says (templates), who may turn it off
(unsubscribe tokens), how a message is composed, and how it leaves (SMTP or the log)."""
