from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.http import HttpRequest

from broadsheet.core.models import ApiToken, Item, Profile


class ProfileInline(admin.StackedInline[Profile, Profile]):
    model = Profile
    can_delete = False
    fields = ("quota",)
    verbose_name = "Saved-item limit"
    verbose_name_plural = "Saved-item limit"


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class BroadsheetUserAdmin(UserAdmin):  # type: ignore[type-arg]
    """Django's user admin with the saved-item limit editable on the same page."""

    inlines = (ProfileInline,)

    def get_inline_instances(self, request: HttpRequest, obj: Any = None) -> list[Any]:
        # On "add user" the profile is created by the post_save signal; edit it afterwards.
        return super().get_inline_instances(request, obj) if obj is not None else []


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin[Profile]):
    list_display = ("user", "quota")
    search_fields = ("user__username",)


@admin.register(Item)
class ItemAdmin(admin.ModelAdmin[Item]):
    list_display = ("id", "user", "title", "status", "archived", "saved_at", "deleted_at")
    # "Has date" under deleted_at: the items in the trash (hidden from the reader, purged after
    # BROADSHEET_UNDO_WINDOW).
    list_filter = ("status", "archived", "deleted_at")
    search_fields = ("title", "url")
    readonly_fields = ("html", "text", "task_token", "lease_until")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin[ApiToken]):
    list_display = ("prefix", "name", "user", "created_at", "last_used_at")
    readonly_fields = ("prefix", "digest")
