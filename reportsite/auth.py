"""The login view with throttling: repeated failures for a username or address are refused for a while."""

from django.contrib import messages
from django.contrib.auth.views import LoginView
from django.utils.translation import ngettext

from ops import throttle


class ThrottledLoginView(LoginView):
    def post(self, request, *args, **kwargs):
        username = request.POST.get("username", "")
        wait = throttle.seconds_locked(username, throttle.client_ip(request))
        if wait:
            return self.refuse(username, wait)
        return super().post(request, *args, **kwargs)

    def refuse(self, username, wait):
        minutes = max(1, -(-wait // 60))
        messages.error(
            self.request,
            ngettext(
                "Too many failed login attempts. Please try again in %(minutes)d minute.",
                "Too many failed login attempts. Please try again in %(minutes)d minutes.",
                minutes,
            )
            % {"minutes": minutes},
        )
        # An unbound form: validating the posted one would check the password we are refusing to check.
        form = self.get_form_class()(
            self.request, initial={"username": username[: throttle.USERNAME_MAX_LENGTH]}
        )
        response = self.render_to_response(self.get_context_data(form=form), status=429)
        response["Retry-After"] = str(wait)
        return response

    def form_invalid(self, form):
        throttle.record_failure(self.request.POST.get("username", ""), throttle.client_ip(self.request))
        return super().form_invalid(form)

    def form_valid(self, form):
        throttle.clear_user(form.get_user().get_username())
        return super().form_valid(form)
