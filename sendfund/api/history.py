"""How the API's audit events read in a history (sendfund.core.history)."""

DESCRIBE = {
    "api_token.created": lambda e: f"{e.who} made an API token, {e.target_label}",
    "api_token.revoked": lambda e: f"{e.who} revoked the API token {e.target_label}",
}
