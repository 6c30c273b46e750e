"""One way for a view to ask a permission function (house rule 6)."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied


def requires(check):
    """Signed-out visitors go to sign-in; signed-in users who fail `check(user)` get 403."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not check(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.permission_check = check
        return wrapped

    return decorator
