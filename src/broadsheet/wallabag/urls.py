"""The wallabag routes. Every `/api/...` path also answers with a `.json` suffix (KOReader, the
Android app and Miniflux add it; the CLI and the iOS app leave it off), and `broadsheet.urls`
mounts these behind any number of extra leading slashes (an app's server setting that ends in
`/` makes `//api/...`)."""

from __future__ import annotations

from django.urls import re_path

from broadsheet.wallabag import token, views

J = r"(?:\.json)?$"
ID = r"(?P<item_id>[0-9]+)"

urlpatterns = [
    re_path(r"^oauth/v2/token/?$", token.token, name="wallabag-token"),
    re_path(r"^api/version" + J, views.version, name="wallabag-version"),
    re_path(r"^api/info" + J, views.info, name="wallabag-info"),
    re_path(r"^api/config" + J, views.config, name="wallabag-config"),
    re_path(r"^api/user" + J, views.user, name="wallabag-user"),
    re_path(r"^api/entries" + J, views.entries, name="wallabag-entries"),
    re_path(r"^api/entries/exists" + J, views.exists, name="wallabag-exists"),
    re_path(r"^api/entries/" + ID + J, views.entry, name="wallabag-entry"),
    re_path(r"^api/entries/" + ID + r"/reload" + J, views.reload, name="wallabag-reload"),
    re_path(
        r"^api/entries/" + ID + r"/export\.(?P<fmt>[a-z]+)$",
        views.export_entry,
        name="wallabag-export",
    ),
    re_path(r"^api/entries/" + ID + r"/tags" + J, views.entry_tags, name="wallabag-entry-tags"),
    re_path(
        r"^api/entries/" + ID + r"/tags/(?P<tag_id>[0-9]+)" + J,
        views.entry_tag,
        name="wallabag-entry-tag",
    ),
    re_path(r"^api/tags" + J, views.tags, name="wallabag-tags"),
    re_path(r"^api/tags/label" + J, views.tags_by_label, name="wallabag-tags-label"),
    re_path(r"^api/tag/label" + J, views.tag_by_label, name="wallabag-tag-label"),
    re_path(r"^api/tags/(?P<tag_id>[0-9]+)" + J, views.tag, name="wallabag-tag"),
    re_path(r"^api/annotations/" + ID + J, views.annotations_view, name="wallabag-annotations"),
]
