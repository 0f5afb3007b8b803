from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import password_validation

from broadsheet.core import services
from broadsheet.core.canonical import MAX_URL_LENGTH, NO_ADDRESS, TOO_LONG
from broadsheet.core.errors import RateLimited


class SaveForm(forms.Form):
    url = forms.CharField(
        max_length=MAX_URL_LENGTH,
        error_messages={"required": NO_ADDRESS, "max_length": TOO_LONG},
        label="Address",
        widget=forms.URLInput(attrs={"placeholder": "https://… story address", "required": True}),
    )


class SignupForm(forms.Form):
    username = forms.CharField(max_length=150, label="User name")
    password = forms.CharField(widget=forms.PasswordInput, label="Password")
    password2 = forms.CharField(widget=forms.PasswordInput, label="Password again")

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("password") != data.get("password2"):
            raise forms.ValidationError("The two passwords differ.")
        password = data.get("password")
        if isinstance(password, str):
            password_validation.validate_password(password)
        return data


class TokenForm(forms.Form):
    name = forms.CharField(max_length=100, required=False, label="Name (which device or app)")


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    """Django's form, with the old password checked under the login rate limit: a stolen session
    cannot guess its way to the password."""

    def __init__(self, user: Any, *args: Any, address: str, **kwargs: Any) -> None:
        super().__init__(user, *args, **kwargs)
        self.address = address
        self.limited: RateLimited | None = None

    def clean_old_password(self) -> str:
        old: str = self.cleaned_data["old_password"]
        try:
            attempt = services.begin_login_attempt(self.user.get_username(), self.address)
        except RateLimited as exc:
            self.limited = exc
            raise forms.ValidationError(exc.message, code="rate_limited") from None
        if not self.user.check_password(old):
            raise forms.ValidationError(
                self.error_messages["password_incorrect"], code="password_incorrect"
            )
        services.login_attempt_succeeded(attempt)
        return old
