from django.contrib.auth import views as auth_views
from django.urls import path

from broadsheet.web import views

app_name = "web"

urlpatterns = [
    path("", views.unread, name="unread"),
    path("archive/", views.archived, name="archive"),
    path("save/", views.save, name="save"),
    path("items/<int:item_id>/", views.item_detail, name="item"),
    path("items/<int:item_id>/archive/", views.archive, name="item-archive"),
    path("items/<int:item_id>/unarchive/", views.unarchive, name="item-unarchive"),
    path("items/<int:item_id>/delete/", views.delete, name="item-delete"),
    path("items/<int:item_id>/restore/", views.restore, name="item-restore"),
    path("items/<int:item_id>/retry/", views.retry, name="item-retry"),
    path("items/<int:item_id>/rating/", views.rate, name="item-rating"),
    path("items/<int:item_id>/notes/", views.note_add, name="note-add"),
    path("notes/", views.notes, name="notes"),
    path("items/<int:item_id>/follow/", views.follow, name="item-follow"),
    path("following/", views.following_page, name="following"),
    path("topics/new/", views.topic_create, name="topic-create"),
    path("topics/<int:topic_id>/", views.topic_detail, name="topic"),
    path("topics/<int:topic_id>/delete/", views.topic_delete, name="topic-delete"),
    path("topics/<int:topic_id>/actions/", views.action_add, name="action-add"),
    path("topics/<int:topic_id>/actions/<int:action_id>/", views.action_edit, name="action-edit"),
    path(
        "topics/<int:topic_id>/actions/<int:action_id>/delete/",
        views.action_delete,
        name="action-delete",
    ),
    path("notes/<int:note_id>/", views.note_edit, name="note-edit"),
    path("notes/<int:note_id>/delete/", views.note_delete, name="note-delete"),
    path("settings/", views.settings_page, name="settings"),
    path("settings/newsletter/", views.newsletter_settings, name="newsletter-settings"),
    path("newsletter/preview/", views.newsletter_preview, name="newsletter-preview"),
    path("newsletter/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("settings/tokens/", views.token_create, name="token-create"),
    path("settings/tokens/<int:token_id>/revoke/", views.token_revoke, name="token-revoke"),
    path("accounts/signup/", views.signup, name="signup"),
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/password/", views.PasswordChangeView.as_view(), name="password-change"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("export/items.csv", views.export_csv, name="export-csv"),
    path("export/items.json", views.export_json, name="export-json"),
    path("feeds/<str:key>/unread.atom", views.unread_feed, name="feed-unread"),
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
]
