from __future__ import annotations

from django.contrib import admin

from broadsheet.core.models import ApiToken, Item, Profile


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin[Profile]):
    list_display = ("user", "quota")
    search_fields = ("user__username",)


@admin.register(Item)
class ItemAdmin(admin.ModelAdmin[Item]):
    list_display = ("id", "user", "title", "status", "archived", "saved_at")
    list_filter = ("status", "archived")
    search_fields = ("title", "url")
    readonly_fields = ("html", "text", "task_token", "lease_until")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin[ApiToken]):
    list_display = ("prefix", "name", "user", "created_at", "last_used_at")
    readonly_fields = ("prefix", "digest")
