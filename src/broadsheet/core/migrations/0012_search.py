"""The full-text index (core.search_index): an FTS5 table on SQLite, a tsvector table with a GIN
index on PostgreSQL. The worker's sweeper fills it for the items saved before it existed."""

from collections.abc import Callable

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

SQLITE_FORWARD = [
    # The text is folded in Python (similar.topics.words) before it is stored: the tokenizer
    # only splits on the spaces between words (marks stay in their word, as in Python).
    "CREATE VIRTUAL TABLE core_itemsearch USING fts5("
    "owner, title, body, site, tags, notes, "
    "tokenize = \"unicode61 remove_diacritics 0 categories 'L* N* Co M*'\")",
    "CREATE TRIGGER core_itemsearch_gone AFTER DELETE ON core_item BEGIN "
    "DELETE FROM core_itemsearch WHERE rowid = old.id; END",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS core_itemsearch_gone",
    "DROP TABLE IF EXISTS core_itemsearch",
]
POSTGRES_FORWARD = [
    # No foreign key to core_item (Django's flush truncates core_item without knowing of this
    # table): triggers remove a deleted item's row, and empty the table when core_item is.
    "CREATE TABLE core_itemsearch ("
    "rowid bigint PRIMARY KEY, "
    "user_id bigint NOT NULL, "
    "document tsvector NOT NULL)",
    "CREATE INDEX core_itemsearch_document ON core_itemsearch USING gin (document)",
    # A reader's rows newest first: a search for common words walks these and stops at the
    # window (core.search.MATCH_WINDOW); rare words go through the GIN index.
    "CREATE INDEX core_itemsearch_user_recent ON core_itemsearch (user_id, rowid DESC)",
    "CREATE FUNCTION core_itemsearch_gone() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "BEGIN DELETE FROM core_itemsearch WHERE rowid = OLD.id; RETURN NULL; END $$",
    "CREATE TRIGGER core_itemsearch_gone AFTER DELETE ON core_item "
    "FOR EACH ROW EXECUTE FUNCTION core_itemsearch_gone()",
    "CREATE FUNCTION core_itemsearch_emptied() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "BEGIN TRUNCATE core_itemsearch; RETURN NULL; END $$",
    "CREATE TRIGGER core_itemsearch_emptied AFTER TRUNCATE ON core_item "
    "FOR EACH STATEMENT EXECUTE FUNCTION core_itemsearch_emptied()",
]
POSTGRES_BACKWARD = [
    "DROP TRIGGER IF EXISTS core_itemsearch_emptied ON core_item",
    "DROP TRIGGER IF EXISTS core_itemsearch_gone ON core_item",
    "DROP FUNCTION IF EXISTS core_itemsearch_emptied()",
    "DROP FUNCTION IF EXISTS core_itemsearch_gone()",
    "DROP TABLE IF EXISTS core_itemsearch",
]


def _run(statements_by_vendor: dict[str, list[str]]) -> Callable[..., None]:
    def run(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
        statements = statements_by_vendor.get(schema_editor.connection.vendor)
        if statements is None:
            raise RuntimeError(
                f"search needs SQLite or PostgreSQL, not {schema_editor.connection.vendor}"
            )
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("core", "0011_library")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
        )
    ]
