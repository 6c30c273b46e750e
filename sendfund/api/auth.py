"""Bearer-token authentication for the API: `Authorization: Bearer sfk_...`, a personal token."""

from ninja.security import HttpBearer

from .services import api_token_user


class PersonalToken(HttpBearer):
    def authenticate(self, request, token):
        user = api_token_user(token=token)
        if user is not None:
            request.user = user
        return user
