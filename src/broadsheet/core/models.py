"""The domain's tables. Writes go through `core.services`; reads of a user's rows through
`core.access`."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from broadsheet.core.canonical import address_hash


class Profile(models.Model):
    """Per-user settings that Django's User does not hold."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    # None means unlimited. New users get BROADSHEET_DEFAULT_QUOTA; admins None unless set.
    quota = models.PositiveIntegerField(
        null=True, blank=True, help_text="Saved-item limit; empty means unlimited."
    )

    class Digest(models.TextChoices):
        OFF = "off", "Off"
        DAILY = "daily", "Daily"
        WEEKLY = "weekly", "Weekly"

    # The newsletter: how often, at which hour of the reader's day (and which weekday, for a
    # weekly one: 0 is Monday), in which time zone (an IANA name). `next_digest_at` is when the
    # worker sends the next one (core.newsletter); None while the newsletter is off.
    digest = models.CharField(max_length=8, choices=Digest.choices, default=Digest.OFF)
    digest_hour = models.PositiveSmallIntegerField(default=7)
    digest_weekday = models.PositiveSmallIntegerField(default=0)
    timezone = models.CharField(max_length=64, default="UTC")
    next_digest_at = models.DateTimeField(null=True, blank=True, db_index=True)
    last_digest_at = models.DateTimeField(null=True, blank=True)
    # The private key of the reader's save-by-mail address (save+KEY@BROADSHEET_MAIL_DOMAIN);
    # None until the reader asks for one. A new key retires the old address.
    mail_key = models.CharField(max_length=40, null=True, blank=True, unique=True)

    class Face(models.TextChoices):
        SERIF = "serif", "Serif"
        SANS = "sans", "Sans-serif"

    class Theme(models.TextChoices):
        SYSTEM = "system", "As the device"
        LIGHT = "light", "Light"
        SEPIA = "sepia", "Sepia"
        DARK = "dark", "Dark"

    # Reader settings kept with the account; a device may override them (a cookie).
    reader_font_size = models.PositiveSmallIntegerField(default=100, help_text="Percent.")
    reader_width = models.PositiveSmallIntegerField(default=34, help_text="Line width in em.")
    reader_face = models.CharField(max_length=8, choices=Face.choices, default=Face.SERIF)
    reader_theme = models.CharField(max_length=8, choices=Theme.choices, default=Theme.SYSTEM)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(digest_hour__lte=23), name="profile_digest_hour"
            ),
            models.CheckConstraint(
                condition=models.Q(digest_weekday__lte=6), name="profile_digest_weekday"
            ),
        ]

    def __str__(self) -> str:
        return f"profile of {self.user}"


# A rating is one to five stars.
RATING_MIN = 1
RATING_MAX = 5


class Item(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="items"
    )
    url = models.URLField(max_length=4096, help_text="The address as the reader saved it.")
    canonical_url = models.CharField(max_length=4096, help_text="Comparison key of the address.")
    final_url = models.CharField(max_length=4096, blank=True, default="")
    page_canonical_url = models.CharField(max_length=4096, blank=True, default="")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    error_code = models.CharField(max_length=64, blank=True, default="")
    error = models.CharField(max_length=500, blank=True, default="")
    title = models.CharField(max_length=1000, blank=True, default="")
    # The reader gave the title (an app's "rename", a title sent with the save): extraction
    # keeps it instead of the page's headline.
    title_given = models.BooleanField(default=False)
    summary = models.TextField(blank=True, default="")
    byline = models.CharField(max_length=500, blank=True, default="")
    # The wire agency or organisation the byline credits ("Reuters" for "By Ann Lee, Reuters");
    # the engine's Article.agency.
    agency = models.CharField(max_length=200, blank=True, default="")
    published = models.DateTimeField(null=True, blank=True)
    site_name = models.CharField(max_length=300, blank=True, default="")
    # The host of the saved address, lower-cased, without "www." (`site:` in search, the site
    # filter and the site order).
    host = models.CharField(max_length=255, blank=True, default="")
    language = models.CharField(max_length=32, blank=True, default="")
    image = models.CharField(max_length=4096, blank=True, default="")
    text = models.TextField(blank=True, default="")
    html = models.TextField(blank=True, default="", help_text="Sanitised article HTML.")
    word_count = models.PositiveIntegerField(default=0)
    reading_minutes = models.PositiveIntegerField(default=0)
    fingerprint = models.CharField(max_length=64, blank=True, default="", db_index=True)
    # The near-duplicate fingerprint of the text (broadsheet.similar.fingerprint), whose LSH
    # bands are rows of ItemBand: a copy of the story with small edits is found by them.
    near_print = models.BinaryField(null=True, blank=True, editable=False)
    # The story's vector (broadsheet.similar.embedding, float16) for related stories and taste;
    # `vector_version` is the MODEL_VERSION that made it ("" while there is none).
    vector = models.BinaryField(null=True, blank=True, editable=False)
    vector_version = models.CharField(max_length=100, blank=True, default="")
    archived = models.BooleanField(default=False)
    archived_at = models.DateTimeField(null=True, blank=True)
    # Not auto_now_add: an import keeps the date the reader saved the story elsewhere.
    saved_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    fetched_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    # Fencing token of the one fetch task allowed to work on this item; a new enqueue replaces it,
    # so a task that lost its claim cannot overwrite the item.
    task_token = models.CharField(max_length=36, blank=True, default="")
    # A running task holds the item until this moment; after it, a sweep enqueues the fetch again.
    lease_until = models.DateTimeField(null=True, blank=True)
    # Set when the reader deletes the item: it is in the trash, hidden from every read
    # (core.access) and from the limit, restorable for BROADSHEET_UNDO_WINDOW seconds, then purged
    # by the worker's sweeper (core.services.purge_deleted).
    deleted_at = models.DateTimeField(null=True, blank=True)
    # The reader's rating of the story, 1 to 5 stars (core.services.rate_item); None: not rated.
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    rated_at = models.DateTimeField(null=True, blank=True)
    # Starred by the reader (core.services.set_favorite).
    favorite = models.BooleanField(default=False)
    favorited_at = models.DateTimeField(null=True, blank=True)
    # How far the reader has read, 0.0 to 1.0 of the story (core.services.set_progress), and
    # when: the newest report wins, so two devices do not undo each other.
    progress = models.FloatField(default=0.0)
    progress_at = models.DateTimeField(null=True, blank=True)
    tags: models.ManyToManyField[Tag, ItemTag] = models.ManyToManyField(
        "Tag", through="ItemTag", related_name="items"
    )
    # wallabag's hash of the address as saved and of where the fetch ended
    # (`canonical.address_hash`), kept by `save` (and the import's own INSERT): its apps ask
    # which of their stories are still here by these, a few dozen at a time. NULL (not "") when
    # there is none: the columns were added without rebuilding the table.
    url_hash = models.CharField(max_length=40, null=True, blank=True)  # noqa: DJ001
    final_url_hash = models.CharField(max_length=40, null=True, blank=True)  # noqa: DJ001

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "canonical_url"], name="item_unique_per_user"),
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True)
                | models.Q(rating__gte=RATING_MIN, rating__lte=RATING_MAX),
                name="item_rating_stars",
            ),
            models.CheckConstraint(
                condition=models.Q(progress__gte=0.0, progress__lte=1.0),
                name="item_progress_share",
            ),
        ]
        indexes = [
            models.Index(fields=["user", "archived", "-saved_at"], name="item_list"),
            models.Index(fields=["user", "page_canonical_url"], name="item_page_canonical"),
            models.Index(fields=["status", "lease_until"], name="item_sweep"),
            models.Index(fields=["deleted_at"], name="item_trash"),
            models.Index(fields=["user", "favorite", "-saved_at"], name="item_favorites"),
            models.Index(fields=["user", "host", "-saved_at"], name="item_by_host"),
            # A reader's live stories by state and date: the lists, their counts and a search's
            # filters read this index alone (the full one above would look up every row to
            # leave the trash out).
            models.Index(
                fields=["user", "archived", "-saved_at"],
                condition=models.Q(deleted_at__isnull=True),
                name="item_live",
            ),
            # The same in the site order (queries.ORDER["site"]).
            models.Index(
                models.F("user"),
                models.F("archived"),
                Lower("site_name"),
                models.F("saved_at").desc(),
                condition=models.Q(deleted_at__isnull=True),
                name="item_live_by_site",
            ),
            # A reader's trash (a search leaves it out): a few rows, found without reading the
            # reader's whole list.
            models.Index(
                fields=["user"], condition=models.Q(deleted_at__isnull=False), name="item_trash_of"
            ),
            models.Index(fields=["user", "url_hash"], name="item_url_hash"),
            models.Index(fields=["user", "final_url_hash"], name="item_final_url_hash"),
        ]
        ordering = ["-saved_at", "-id"]

    def __str__(self) -> str:
        return self.title or self.url

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Save, with the addresses' hashes made to match them."""
        self.url_hash = address_hash(self.url) if self.url else None
        self.final_url_hash = address_hash(self.final_url) if self.final_url else None
        fields = kwargs.get("update_fields")
        if fields is not None:
            more = {"url": "url_hash", "final_url": "final_url_hash"}
            kwargs["update_fields"] = [*fields, *(more[f] for f in fields if f in more)]
        super().save(*args, **kwargs)

    @property
    def display_title(self) -> str:
        return self.title or self.url

    @property
    def display_agency(self) -> str:
        """The agency to show beside the byline: none when it is the byline itself ("Reuters")."""
        if not self.agency or self.agency.casefold() == self.byline.casefold():
            return ""
        return self.agency


# A note is plain text of at most this many characters; a longer one is refused, not cut.
NOTE_MAX_CHARS = 10_000
# And a story holds at most this many notes.
NOTES_PER_ITEM_MAX = 50


class Note(models.Model):
    """The reader's private feedback on a story ("did we miss an angle?"): plain text, never
    shown to anyone else, exported with the item."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="notes")
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["user", "-created_at"], name="note_list")]
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"note {self.pk} on item {self.item_id}"


# A reader follows at most this many topics; a topic holds at most this many action links.
TOPICS_PER_USER_MAX = 100
ACTIONS_PER_TOPIC_MAX = 50
TOPIC_NAME_MAX_CHARS = 200
ACTION_TITLE_MAX_CHARS = 300
ACTION_NOTE_MAX_CHARS = 1_000


class Topic(models.Model):
    """A subject the reader follows ("should we come back to this topic?"): a name and a query
    (`broadsheet.similar.topics`), made from a story's key terms or written by hand."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=TOPIC_NAME_MAX_CHARS)
    query = models.TextField(help_text="The canonical query: terms separated by commas.")
    from_item = models.ForeignKey(
        Item, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # When the reader last opened the topic's stories: what matched after it is new.
    seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "-created_at"], name="topic_list")]
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name


class TopicMatch(models.Model):
    """A story of the reader's (a saved item, or an entry of one of their feeds) that is on a
    followed topic (kept up by the worker)."""

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="matches")
    item = models.ForeignKey(
        Item, on_delete=models.CASCADE, related_name="topic_matches", null=True, blank=True
    )
    entry = models.ForeignKey(
        "FeedEntry", on_delete=models.CASCADE, related_name="topic_matches", null=True, blank=True
    )
    score = models.FloatField(default=0.0)
    matched = models.CharField(max_length=500, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["topic", "item"], name="topic_match_unique"),
            models.UniqueConstraint(fields=["topic", "entry"], name="topic_match_entry_unique"),
            models.CheckConstraint(
                condition=models.Q(item__isnull=True, entry__isnull=False)
                | models.Q(item__isnull=False, entry__isnull=True),
                name="topic_match_item_or_entry",
            ),
        ]
        indexes = [models.Index(fields=["topic", "-created_at"], name="topic_match_new")]

    def __str__(self) -> str:
        return f"item {self.item_id} on topic {self.topic_id}"


class ActionLink(models.Model):
    """ "Make a Difference": a way to act on a topic (an organisation, a petition, a donation or
    volunteer page), proposed from the links in its stories or added by the reader."""

    class State(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        KEPT = "kept", "Kept"
        DISMISSED = "dismissed", "Dismissed"

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="actions")
    url = models.CharField(max_length=4096)
    title = models.CharField(max_length=ACTION_TITLE_MAX_CHARS)
    note = models.TextField(blank=True, default="")
    kind = models.CharField(max_length=32, blank=True, default="")
    state = models.CharField(max_length=16, choices=State.choices, default=State.KEPT)
    source_item = models.ForeignKey(
        Item, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["topic", "url"], name="action_unique_per_topic")
        ]
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.title


class ItemBand(models.Model):
    """One LSH band of an item's near-duplicate fingerprint: the items sharing a band with a new
    one are the only ones compared with it, so finding a copy costs the same in a library of
    ten stories or of a hundred thousand."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="bands")
    band = models.BigIntegerField()

    class Meta:
        indexes = [models.Index(fields=["user", "band"], name="item_band_lookup")]

    def __str__(self) -> str:
        return f"band of item {self.item_id}"


# A reader subscribes to at most this many feeds; a feed keeps at most this many entries.
FEEDS_PER_USER_MAX = 500
ENTRIES_PER_FEED_MAX = 1_000


class Feed(models.Model):
    """A reader's subscription to an RSS, Atom or JSON feed, polled by the worker."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        OK = "ok", "OK"
        FAILED = "failed", "Failed"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    url = models.CharField(max_length=4096, help_text="The feed's address (after discovery).")
    given_url = models.CharField(max_length=4096, help_text="The address the reader gave.")
    title = models.CharField(max_length=300, blank=True, default="")
    site_url = models.CharField(max_length=4096, blank=True, default="")
    category = models.CharField(max_length=100, blank=True, default="")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    error = models.CharField(max_length=500, blank=True, default="")
    etag = models.CharField(max_length=1024, blank=True, default="")
    last_modified = models.CharField(max_length=1024, blank=True, default="")
    errors_in_row = models.PositiveIntegerField(default=0)
    next_poll_at = models.DateTimeField(null=True, blank=True, db_index=True)
    last_polled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "url"], name="feed_unique_per_user")]
        ordering = ["title", "id"]

    def __str__(self) -> str:
        return self.title or self.url

    @property
    def display_title(self) -> str:
        return self.title or self.url


class FeedEntry(models.Model):
    """One story of a feed. Not a saved item (no limit) until the reader saves it; its full text
    is extracted when it is on a followed topic or the reader opens it."""

    class Text(models.TextChoices):
        NONE = "none", "Not fetched"
        PENDING = "pending", "Fetching"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    feed = models.ForeignKey(Feed, on_delete=models.CASCADE, related_name="entries")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    guid = models.CharField(max_length=600)
    url = models.CharField(max_length=4096)
    title = models.CharField(max_length=300, blank=True, default="")
    summary = models.TextField(blank=True, default="")
    author = models.CharField(max_length=200, blank=True, default="")
    published = models.DateTimeField(null=True, blank=True)
    arrived_at = models.DateTimeField(auto_now_add=True)
    text_status = models.CharField(max_length=16, choices=Text.choices, default=Text.NONE)
    text = models.TextField(blank=True, default="")
    html = models.TextField(blank=True, default="", help_text="Sanitised article HTML.")
    site_name = models.CharField(max_length=300, blank=True, default="")
    reading_minutes = models.PositiveIntegerField(default=0)
    item = models.ForeignKey(
        Item, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    vector = models.BinaryField(null=True, blank=True, editable=False)
    vector_version = models.CharField(max_length=100, blank=True, default="")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["feed", "guid"], name="entry_unique")]
        indexes = [models.Index(fields=["user", "-arrived_at"], name="entry_river")]
        ordering = ["-arrived_at", "-id"]

    def __str__(self) -> str:
        return self.title or self.url

    @property
    def display_title(self) -> str:
        return self.title or self.url


class PageSnapshot(models.Model):
    """The fetched page, compressed, so an item can be extracted again later."""

    item = models.OneToOneField(Item, on_delete=models.CASCADE, related_name="snapshot")
    content = models.BinaryField(help_text="zstd-compressed page bytes")
    charset = models.CharField(max_length=64, default="utf-8")
    content_type = models.CharField(max_length=128, default="text/html")
    final_url = models.CharField(max_length=4096)
    fetched_at = models.DateTimeField(auto_now=True)
    raw_size = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"page of item {self.item_id}"


class Fold(models.Model):
    """An item that turned out to be a story the reader already had, folded into that one."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    old_item_id = models.BigIntegerField()
    into = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="folds")
    url = models.URLField(max_length=4096)
    created_at = models.DateTimeField(auto_now_add=True)
    seen = models.BooleanField(default=False)

    class Meta:
        indexes = [
            models.Index(fields=["user", "old_item_id"], name="fold_lookup"),
            models.Index(fields=["user", "url"], name="fold_url"),
        ]

    def __str__(self) -> str:
        return f"item {self.old_item_id} folded into {self.into_id}"


class ApiToken(models.Model):
    """A bearer token. Only its SHA-256 digest is stored; the secret is shown once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100, blank=True, default="")
    prefix = models.CharField(max_length=16, db_index=True)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name or 'unnamed'})"


class LoginFailure(models.Model):
    """One failed login (or bad API token), counted by `core.ratelimit` within a sliding window.

    `scope` says what `key` is: an account (the lower-cased user name tried), a client address
    (IPv6 grouped by /64), or an address that sent bad API tokens. Rows older than the window are
    deleted as new ones arrive; the table stays small.
    """

    class Scope(models.TextChoices):
        ACCOUNT = "account", "Account"
        ADDRESS = "address", "Address"
        TOKEN = "token", "API token address"
        MAIL = "mail", "Message to a save-by-mail address"

    scope = models.CharField(max_length=16, choices=Scope.choices)
    key = models.CharField(max_length=200)
    at = models.DateTimeField(db_index=True)

    class Meta:
        indexes = [models.Index(fields=["scope", "key", "at"], name="login_failure_window")]

    def __str__(self) -> str:
        return f"{self.scope} {self.key} at {self.at:%Y-%m-%d %H:%M:%S}"


# A tag's name: at most this many characters, one line; a story holds at most TAGS_PER_ITEM_MAX.
TAG_MAX_CHARS = 100
TAGS_PER_ITEM_MAX = 50


class Tag(models.Model):
    """One of a reader's tags. Names are compared case-insensitively (``key`` is the name
    case-folded with its spaces collapsed): "Climate" and "climate" are one tag."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=TAG_MAX_CHARS)
    key = models.CharField(max_length=TAG_MAX_CHARS)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="tag_unique_per_user")]
        ordering = ["key", "id"]

    def __str__(self) -> str:
        return self.name


class ItemTag(models.Model):
    """A tag on a story."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="+")
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["item", "tag"], name="item_tag_once")]
        indexes = [models.Index(fields=["tag", "item"], name="item_tag_by_tag")]

    def __str__(self) -> str:
        return f"tag {self.tag_id} on item {self.item_id}"


# A highlight's quote is at most this many characters; its note at most NOTE_MAX_CHARS; its
# prefix and suffix (the context that anchors it) at most HIGHLIGHT_CONTEXT_CHARS each.
HIGHLIGHT_QUOTE_MAX_CHARS = 5_000
HIGHLIGHT_CONTEXT_CHARS = 64
HIGHLIGHTS_PER_ITEM_MAX = 500


class Highlight(models.Model):
    """A passage the reader marked, anchored like a W3C Web Annotation TextQuoteSelector (the
    quote with some text before and after it) plus a TextPositionSelector hint (character
    offsets into the story's text), so it is found again after re-rendering or re-extraction
    where the words still exist. ``orphaned_at`` is set when the quote is no longer in the
    story's text."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="highlights")
    quote = models.TextField()
    prefix = models.CharField(max_length=HIGHLIGHT_CONTEXT_CHARS, blank=True, default="")
    suffix = models.CharField(max_length=HIGHLIGHT_CONTEXT_CHARS, blank=True, default="")
    start = models.PositiveIntegerField(null=True, blank=True)
    end = models.PositiveIntegerField(null=True, blank=True)
    note = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    orphaned_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["item", "start"], name="highlight_in_item"),
            models.Index(fields=["user", "-created_at"], name="highlight_by_user"),
        ]
        ordering = ["item_id", "start", "id"]

    def __str__(self) -> str:
        return f"highlight {self.pk} on item {self.item_id}"


class ImportJob(models.Model):
    """One library import (a file uploaded on the web page or given to the CLI), run in the
    background. The counters move as rows are read; ``problems`` lists the skipped rows
    ({"line": n, "reason": "..."}, the first few hundred)."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    format = models.CharField(max_length=32)
    filename = models.CharField(max_length=255, blank=True, default="")
    # Where the uploaded file waits (a name in the default storage); emptied when done.
    upload = models.CharField(max_length=500, blank=True, default="")
    size = models.PositiveBigIntegerField(default=0)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    error = models.CharField(max_length=500, blank=True, default="")
    read_bytes = models.PositiveBigIntegerField(default=0)
    rows = models.PositiveIntegerField(default=0)
    imported = models.PositiveIntegerField(default=0)
    existing = models.PositiveIntegerField(default=0)
    over_limit = models.PositiveIntegerField(default=0)
    invalid = models.PositiveIntegerField(default=0)
    problems = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The run that holds the job (a new one when the sweeper starts it again), when that run
    # last wrote its counters, and how many runs it has had (`enqueue.sweep_stuck_imports`).
    run_token = models.CharField(max_length=36, blank=True, default="")
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"import {self.pk} ({self.format}, {self.status})"


class ApiClient(models.Model):
    """An OAuth2 client of the wallabag-compatible API (one per app or device, made by the
    reader). Its public id is ``f"{id}_{random_id}"``, as wallabag's; the secret is kept so the
    settings page can show it again, as wallabag's developer page does."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_clients"
    )
    name = models.CharField(max_length=100, blank=True, default="")
    random_id = models.CharField(max_length=64, unique=True)
    secret = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"API client {self.pk} ({self.name or 'unnamed'})"


class OAuthGrant(models.Model):
    """One access token and its refresh token, issued to a reader through a client. Only the
    SHA-256 digests are stored. A refresh replaces the row (the old refresh token is revoked);
    deleting the client deletes its grants."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    client = models.ForeignKey(ApiClient, on_delete=models.CASCADE, related_name="grants")
    access_digest = models.CharField(max_length=64, unique=True)
    access_expires_at = models.DateTimeField()
    refresh_digest = models.CharField(max_length=64, unique=True)
    refresh_expires_at = models.DateTimeField(db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"grant {self.pk} of client {self.client_id}"


class AppPassword(models.Model):
    """A password for one device or app (an e-reader's OPDS catalog, a wallabag app), usable in
    place of the account password where HTTP Basic or a password grant asks for one, and as a
    revocable key in an OPDS address. Only its SHA-256 digest is stored; shown once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="app_passwords"
    )
    name = models.CharField(max_length=100, blank=True, default="")
    prefix = models.CharField(max_length=16, db_index=True)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"app password {self.prefix}… ({self.name or 'unnamed'})"


class StoredImage(models.Model):
    """An image fetched once through broadsheet.fetch and kept in the file storage, named by the
    SHA-256 of its bytes (one file however many stories use it)."""

    digest = models.CharField(max_length=64, unique=True)
    content_type = models.CharField(max_length=64)
    size = models.PositiveIntegerField(default=0)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    # The name in the default storage.
    name = models.CharField(max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"image {self.digest[:12]} ({self.content_type})"


class ItemImage(models.Model):
    """An image of a story: the address the page gave, and the stored copy once fetched (None
    when it could not be fetched or was refused: too big, not an image)."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="images")
    source_url = models.CharField(max_length=4096)
    image = models.ForeignKey(
        StoredImage, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # 0 for the story's lead image (the thumbnail), then the order in the body.
    position = models.PositiveIntegerField(default=0)
    error = models.CharField(max_length=200, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["item", "source_url"], name="item_image_once")
        ]
        ordering = ["item_id", "position", "id"]

    def __str__(self) -> str:
        return f"image {self.position} of item {self.item_id}"
