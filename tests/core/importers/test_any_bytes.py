"""Whatever bytes a reader is given, it yields Record or Invalid, or raises UnreadableFile."""

from __future__ import annotations

import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from broadsheet.core.importers import Invalid, Record, UnreadableFile, detect, reader

from .support import fixture, zip_of_folder

FORMATS = ["pocket", "instapaper", "netscape", "wallabag", "omnivore", "readwise"]
SEEDS = [
    fixture("pocket.csv"),
    fixture("pocket.html"),
    fixture("instapaper.csv"),
    fixture("readwise.csv"),
    fixture("bookmarks.html"),
    fixture("wallabag.json"),
    zip_of_folder("pocket_zip"),
    zip_of_folder("omnivore"),
]


@st.composite
def damaged(draw: st.DrawFn) -> bytes:
    """Random bytes, or a real export with a slice replaced by random bytes."""
    if draw(st.booleans()):
        return draw(st.binary(max_size=2000))
    seed = draw(st.sampled_from(SEEDS))
    start = draw(st.integers(0, len(seed)))
    end = draw(st.integers(start, min(len(seed), start + 200)))
    return seed[:start] + draw(st.binary(max_size=200)) + seed[end:]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=damaged(), fmt=st.sampled_from(FORMATS))
def test_any_bytes_into_any_reader(data: bytes, fmt: str) -> None:
    try:
        for entry in reader(fmt).read(io.BytesIO(data), "upload"):
            assert isinstance(entry, Record | Invalid)
            if isinstance(entry, Record):
                assert entry.url.startswith(("http://", "https://"))
                assert entry.saved_at is None or entry.saved_at.tzinfo is not None
    except UnreadableFile:
        pass
    detect(data[: 64 * 1024], "upload")  # sniffers never raise either
