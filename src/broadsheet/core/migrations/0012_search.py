"""The full-text index (core.search_index): an FTS5 table on SQLite, a tsvector table with a GIN
index on PostgreSQL. The worker's sweeper fills it for the items saved before it existed."""

from django.db import migrations

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
    "CREATE TABLE core_itemsearch ("
    "rowid bigint PRIMARY KEY REFERENCES core_item (id) ON DELETE CASCADE "
    "DEFERRABLE INITIALLY DEFERRED, "
    "user_id bigint NOT NULL, "
    "document tsvector NOT NULL)",
    "CREATE INDEX core_itemsearch_document ON core_itemsearch USING gin (document)",
    "CREATE INDEX core_itemsearch_user ON core_itemsearch (user_id)",
]
POSTGRES_BACKWARD = ["DROP TABLE IF EXISTS core_itemsearch"]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
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
