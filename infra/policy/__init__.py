"""Mandatory policies: plain functions over a resource's type and inputs (as Pulumi passes
them, camelCase), or over a whole stack's resources for rules that span several. The policy
pack (`__main__.py`) hands them to pulumi-policy; the tests call them directly."""
