"""One way for a view to ask a permission function (house rule 6), about the user and about the record.

    @requires(can_use_applications, load=application_in_scope, record=can_sign_off_application)
    def sign_off(request, application, pk): ...

1. Signed-out visitors go to sign-in.
2. `check(user)`: who may use the page at all. A signed-in user who fails it gets 403: their role may
   never see it.
3. `load(user, **url_kwargs)`: the record the URL names, loaded through the scoping rule
   (`sendfund.accounts.scoping`), so a record out of the user's scope answers 404, as if it did not exist.
4. `record(user, obj)`: what the user may do with that record now. A user who fails it gets 403.
5. The view gets the record after the request: `view(request, obj, **url_kwargs)`.

Templates ask the same functions with `{% can "app.verb_object" obj %}` (accounts.templatetags.permissions),
so a page never has a flag of its own for a permission.
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied


def requires(check, *, load=None, record=None):
    """Signed-out visitors go to sign-in; signed-in users who fail `check(user)` get 403. With `load`, the view
    gets the record `load(user, **kwargs)` returns (404 when out of scope), and `record(user, obj)`, when
    given, must pass too (403)."""
    if record is not None and load is None:
        raise TypeError("requires(record=...) needs load=... to load the record it checks")

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not check(request.user):
                raise PermissionDenied
            if load is None:
                return view(request, *args, **kwargs)
            obj = load(request.user, **kwargs)
            if record is not None and not record(request.user, obj):
                raise PermissionDenied
            return view(request, obj, *args, **kwargs)

        wrapped.permission_check = check
        wrapped.record_check = record
        return wrapped

    return decorator
