from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.views.decorators.http import require_POST

from sendfund.core.navigation import home_links, home_panels
from sendfund.core.selectors import notifications_undelivered_count

from . import selectors
from .decorators import requires
from .forms import NewPasswordForm, ResetRequestForm, SignInForm
from .permissions import can_use_apply, can_use_manage, roles_of
from .roles import Role
from .scoping import clusters_of
from .services import sign_in_record, sign_out_record


class SignInView(auth_views.LoginView):
    template_name = "accounts/sign_in.html"
    form_class = SignInForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        sign_in_record(user=form.get_user())
        return response


@require_POST
def sign_out(request):
    if request.user.is_authenticated:
        sign_out_record(user=request.user)
    return auth_views.LogoutView.as_view()(request)


def signed_out(request):
    return render(request, "accounts/signed_out.html")


class ResetRequestView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    form_class = ResetRequestForm
    success_url = reverse_lazy("accounts:password-reset-sent")

    @property
    def extra_email_context(self):
        return {"council_name": selectors.local_authority_name()}


class ResetSentView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_sent.html"


class ResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    form_class = NewPasswordForm
    success_url = reverse_lazy("accounts:sign-in")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, "Your password has been changed. Sign in with your new password.")
        return response


def home(request):
    """Send a signed-in user to the home page of their area: /manage/ for the LA, /apply/ for clusters."""
    if not request.user.is_authenticated:
        return redirect("accounts:sign-in")
    if can_use_manage(request.user):
        return redirect("manage-home")
    if can_use_apply(request.user):
        return redirect("apply-home")
    return render(request, "accounts/no_role.html")


@requires(can_use_manage)
def manage_home(request):
    roles = roles_of(request.user)
    if roles.la_roles == {Role.FORUM_MEMBER}:
        return redirect("reports:forum-home")  # a Forum member's home: the reports and the aggregate pages
    links = home_links(request.user, area="manage")
    emails = next((link for link in links if link["href"] == "/manage/emails/"), None)
    return render(request, "accounts/manage_home.html", {
        "links": links, "emails": emails,
        "undelivered": notifications_undelivered_count() if emails else 0,
        "role_names": sorted(r.label for r in roles.la_roles),
        "panels": home_panels(request.user, area="manage"),
    })


@requires(can_use_apply)
def apply_home(request):
    return render(request, "accounts/apply_home.html", {
        "links": home_links(request.user, area="apply"),
        "clusters": clusters_of(request.user),
    })
