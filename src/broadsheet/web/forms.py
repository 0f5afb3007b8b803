from __future__ import annotations

from django import forms
from django.contrib.auth import password_validation


class SaveForm(forms.Form):
    url = forms.CharField(
        max_length=4096,
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
