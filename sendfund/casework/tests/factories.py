"""Cases for tests, driven through the real services: the same path the demo takes (casework/demo.py)."""

from sendfund.casework.demo import PATH, advance, score_all, submitted_application  # noqa: F401
