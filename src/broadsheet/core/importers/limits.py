"""The limits every reader keeps, in one place (docs/import.md, "Files that cannot be read whole").

A library export comes from the reader's own account elsewhere, but it is still a file from the
outside: these bounds keep a damaged or hostile file from taking the server's memory or time.
Readers look the constants up when they run, so a test can lower one with monkeypatch.
"""

from __future__ import annotations

MIB = 1024 * 1024

# How much of a file the sniffers see, and how much the decoders look at to guess the encoding.
HEAD_BYTES = 64 * 1024

# ZIP archives (Pocket's part_*.csv export, Omnivore's export).
# More members than this and the archive is refused whole, before its listing is read into memory.
MAX_ZIP_MEMBERS = 10_000
# A member that unpacks to more than this is skipped (or cut off where the limit is reached),
# whatever size its header declares: the count is of the bytes actually unpacked.
MAX_MEMBER_BYTES = 512 * MIB
# A member that unpacks to more than MAX_COMPRESSION_RATIO times its packed size is a ZIP bomb;
# the ratio is checked once RATIO_CHECK_AFTER bytes have been unpacked (small files of repeated
# text legitimately pack very well).
MAX_COMPRESSION_RATIO = 200
RATIO_CHECK_AFTER = 1 * MIB
# Omnivore's metadata_*.json files are parsed whole (each holds a page of about 20 entries).
MAX_METADATA_BYTES = 64 * MIB
# Omnivore's content/<slug>.html and highlights/<slug>.md, per article.
MAX_ARTICLE_BYTES = 32 * MIB

# CSV: a physical line longer than this (in characters) is cut there and its row reported as
# invalid; the csv module's own limit of 131,072 characters per cell also applies.
MAX_LINE_CHARS = 1 * MIB

# HTML exports: a run of text (or one tag) longer than this many characters is cut there. libxml2
# with huge_tree off silently stops reading a document at a text node of 10 MB; cutting first
# keeps the rest of the file readable.
MAX_HTML_RUN_CHARS = 1 * MIB

# CSV: a row (quoted cells with line breaks in them) may span at most this many lines; a longer
# one is reported and its lines read again as rows.
MAX_ROW_LINES = 10_000
# CSV: the lines swallowed by a quote that is never closed are read again as rows of their own,
# up to this many lines in a file; past that they are skipped with the row they were swallowed
# into (one Invalid naming the lines), so a file of stray quotes cannot make the work quadratic.
MAX_CSV_REREAD_LINES = 1_000_000

# wallabag's JSON export is read entry by entry; one entry larger than this (in characters,
# its article HTML included) stops the reading there with an Invalid for it.
MAX_JSON_ENTRY_CHARS = 64 * MIB
# How many characters the JSON and HTML readers read at a time.
CHUNK_CHARS = 256 * 1024

# How much of an offending value an Invalid's reason quotes.
MAX_QUOTED_CHARS = 80
