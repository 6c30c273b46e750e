"""How accounts' audit events read in a history (sendfund.core.history)."""

from .roles import Role


def _role(value) -> str:
    return Role(value).label if value in Role.values else "a role"


DESCRIBE = {
    "user.created": lambda e: f"{e.who} created the account of {e.after.get('full_name', '')}",
    "user.signed_in": lambda e: f"{e.who} signed in",
    "user.signed_out": lambda e: f"{e.who} signed out",
    "membership.granted": lambda e: f"{e.who} gave the role {_role(e.after.get('role'))} in "
                                    f"{e.after.get('organisation', '')}",
    "membership.revoked": lambda e: f"{e.who} removed the role {_role(e.before.get('role'))} in "
                                    f"{e.before.get('organisation', '')}",
    "organisation.renamed": lambda e: f"{e.who} renamed the council to {e.after.get('name', '')}",
}
