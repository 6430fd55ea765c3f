"""Outgoing webhooks: signed per the Standard Webhooks specification, delivered from the
worker queue to endpoints admins register."""
