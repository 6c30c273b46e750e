"""The user's own API tokens, on their account: make one (shown once) and revoke one."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from sendfund.core.errors import DomainError

from . import services
from .forms import TokenForm
from .models import ApiToken


@login_required
def tokens(request):
    form = TokenForm(request.POST if request.method == "POST" else None)
    new_token = ""
    if request.method == "POST" and form.is_valid():
        try:
            _record, new_token = services.api_token_create(user=request.user, name=form.cleaned_data["name"],
                                                           days=form.cleaned_data["days"])
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            form = TokenForm()
    return render(request, "api/tokens.html", {"form": form, "new_token": new_token,
                                               "tokens": ApiToken.objects.filter(user=request.user)})


@login_required
@require_POST
def token_revoke(request, pk):
    try:
        record = services.api_token_revoke(user=request.user, token_id=pk)
    except DomainError:
        from django.http import Http404

        raise Http404("No such token") from None
    messages.success(request, f"The token {record.name} no longer works.")
    return redirect("api-tokens:list")
