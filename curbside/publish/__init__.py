"""The editorial workflow: accounts and roles, the article lifecycle, review, versions, the audit
log, and re-review when the evidence an article cites changes."""
