"""The user's own API tokens, on their account: make one (shown once) and revoke one."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from sendfund.core.errors import DomainError
from sendfund.core.forms import form_error

from . import services
from .forms import TokenForm
from .models import ApiToken


@login_required
def tokens(request):
    form = TokenForm(request.POST if request.method == "POST" else None)
    new_token = ""
    # Not run_form: the new token is shown once, in this response, never carried through a redirect (ADR 0061).
    if request.method == "POST" and form.is_valid():
        try:
            _record, new_token = services.api_token_create(user=request.user, name=form.cleaned_data["name"],
                                                           days=form.cleaned_data["days"])
        except DomainError as exc:
            form_error(form, exc)
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


def _fields(schema: dict, components: dict) -> list[dict]:
    """The fields of a body schema (following one $ref), for the documentation's tables."""
    if "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[1]]
    required = set(schema.get("required", []))
    out = []
    for name, spec in schema.get("properties", {}).items():
        if "$ref" in spec.get("items", {}):
            kind = "list of " + spec["items"]["$ref"].rsplit("/", 1)[1]
        else:
            kinds = [spec.get("type")] + [a.get("type") for a in spec.get("anyOf", [])]
            kind = " or ".join(k for k in kinds if k) + (f" ({spec['format']})" if spec.get("format") else "")
        out.append({"name": name, "type": kind, "required": name in required})
    return out


def docs(request):
    """The API's documentation, made from its own OpenAPI description (no script, no CDN)."""
    from .api import api

    schema = api.get_openapi_schema()
    components = schema.get("components", {}).get("schemas", {})
    operations = []
    for path, methods in schema["paths"].items():
        for method, op in methods.items():
            responses = []
            for code, answer in sorted((str(c), a) for c, a in op.get("responses", {}).items()):
                body = answer.get("content", {}).get("application/json", {}).get("schema", {})
                responses.append({"code": code, "description": answer.get("description", ""),
                                  "fields": _fields(body, components) if code.startswith("2") else []})
            body = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
            operations.append({
                "method": method.upper(), "path": path, "summary": op.get("summary", ""),
                "description": op.get("description", ""), "anchor": op.get("operationId", ""),
                "parameters": [{"name": p["name"], "where": p["in"], "required": p.get("required", False),
                                "type": p.get("schema", {}).get("type", "")} for p in op.get("parameters", [])],
                "body": _fields(body, components) if body else [], "responses": responses})
    return render(request, "api/docs.html", {"info": schema["info"], "operations": operations})
