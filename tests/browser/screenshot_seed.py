"""Fixed data for the screenshot test: one reader and a dozen stories, written straight into the
live server's database (no fetching, no network), with fixed dates, text and images, so the pages
look the same on every run.

Run inside the server's environment: `server.python("from tests.browser.screenshot_seed import
seed; seed()")`.
"""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta

USERNAME = "ada"
PASSWORD = "a-long-screenshot-password-7"
STORY_ID_FILE = "reader-story-id"

STORIES = [
    (
        "The ferry that keeps an island town alive through the winter storms",
        "Harbour Gazette",
        "harbourgazette.example",
        9,
        "When the mainland bridge closed, a 40-year-old boat and its crew of six became the only "
        "way on or off Inishmore for three months.",
    ),
    (
        "Why the city's oldest bakery still starts its ovens at 3 a.m.",
        "The Morning Ledger",
        "ledger.example",
        6,
        "Four generations, one sourdough starter and a street that changed around them.",
    ),
    (
        "A quiet revolution in how rivers are measured",
        "Science Weekly",
        "scienceweekly.example",
        12,
        "Cheap sensors and volunteers are filling the gaps left by closed gauging stations.",
    ),
    (
        "Council approves new cycle lanes after a year of debate",
        "Northfield Post",
        "northfieldpost.example",
        3,
        "The plan links the station to the university and removes 140 parking spaces.",
    ),
    (
        "The last lighthouse keeper on the west coast hands over the keys",
        "Coast & Country",
        "coastcountry.example",
        8,
        "After 31 years, automation finally reaches the rock.",
    ),
    (
        "What a dry summer taught farmers about water",
        "Field Notes",
        "fieldnotes.example",
        7,
        "Storage ponds, older wheat varieties and a lot of patience.",
    ),
    (
        "Inside the archive that keeps every local newspaper since 1820",
        "The Morning Ledger",
        "ledger.example",
        10,
        "Two librarians, eleven kilometres of shelving and a scanner that never stops.",
    ),
    (
        "The school choir that sang its way to the national final",
        "Northfield Post",
        "northfieldpost.example",
        4,
        "Thirty children, one bus and a song nobody expected to work.",
    ),
    (
        "How night trains came back to Europe",
        "Rail Review",
        "railreview.example",
        11,
        "Sleeper services are full again; the hard part is finding the carriages.",
    ),
    (
        "A museum asks visitors to help name its new beetles",
        "Science Weekly",
        "scienceweekly.example",
        2,
        "Four species, described from drawers that had not been opened since 1932.",
    ),
    (
        "Market traders prepare for the busiest weekend of the year",
        "Harbour Gazette",
        "harbourgazette.example",
        3,
        "Stalls open an hour early, and the fish comes straight off the morning boats.",
    ),
    (
        "The apprentices rebuilding a wooden fishing fleet",
        "Coast & Country",
        "coastcountry.example",
        9,
        "Larch, oak and a boatyard that almost closed.",
    ),
]

READER_HTML = """
<p>The boat leaves at seven, whatever the weather says. On the quay, a dozen people wait with
shopping bags, a crate of hens and a coffin, because the island has no undertaker and the
mainland has no room to spare.</p>
<figure><img src="{image}" alt="The ferry at the quay in the morning" width="640" height="360">
<figcaption>The ferry at the quay, an hour before the first crossing.
<span class="credit">Photo: Harbour Gazette</span></figcaption></figure>
<p>Since the bridge closed in November, the <em>Saint Brendan</em> has been the only way on or
off. Her crew of six work in two shifts; the captain, Nuala Flaherty, has not had a day off since
the first storm.</p>
<h2>A boat older than its crew</h2>
<p>Built in 1984 for a calmer crossing, the ferry was due to be sold this spring. Instead her
engines were rebuilt in a fortnight by two mechanics who drove over before the bridge shut.</p>
<blockquote><p>We are the road now. If we stop, the island stops.</p></blockquote>
<p>Every crossing carries the post, the medicines for the pharmacy, the children who go to
the secondary school on the mainland, and whatever else the island cannot make for itself.</p>
<figure><span class="img-missing"></span>
<figcaption>The harbour master's office keeps a log of every crossing since 1962.</figcaption>
</figure>
<h3>What the winter costs</h3>
<p>Fuel alone has doubled. The council pays for it this year; nobody knows who will next year,
when the bridge is meant to open again.</p>
<p>Until then, the boat leaves at seven.</p>
"""


def _picture() -> bytes:
    """A small fixed picture (a sea, a sky and a boat), drawn so no file needs to be shipped."""
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (640, 360), (196, 214, 226))
    draw = ImageDraw.Draw(img)
    for y in range(200, 360):
        shade = 120 - (y - 200) // 4
        draw.line([(0, y), (640, y)], fill=(40, 80 + shade // 3, 110 + shade // 2))
    draw.polygon([(180, 200), (460, 200), (430, 240), (210, 240)], fill=(235, 235, 228))
    draw.rectangle([(260, 160), (380, 200)], fill=(170, 40, 30))
    draw.rectangle([(300, 120), (330, 160)], fill=(40, 40, 40))
    out = io.BytesIO()
    img.save(out, format="PNG", optimize=False)
    return out.getvalue()


def seed() -> int:
    """Make the reader and the stories; return the id of the story the reader view shows."""
    from django.contrib.auth import get_user_model

    from broadsheet.core import images
    from broadsheet.core.models import Item, ItemImage, Profile, Tag

    user = get_user_model().objects.create_user(USERNAME, password=PASSWORD)
    Profile.objects.get_or_create(user=user, defaults={"quota": 20})
    # Kept the way core.images keeps a fetched picture (checked, named by its digest).
    stored = images.store(images.check(_picture(), max_pixels=1_000_000))
    digest = stored.digest
    base = datetime(2026, 11, 20, 8, 30, tzinfo=UTC)
    first = 0
    for n, (title, site, host, minutes, dek) in enumerate(STORIES):
        item = Item.objects.create(
            user=user,
            url=f"https://{host}/stories/{n + 1}",
            canonical_url=f"https://{host}/stories/{n + 1}",
            status=Item.Status.READY,
            title=title,
            summary=dek,
            byline="Nuala Byrne" if n == 0 else "",
            site_name=site,
            host=host,
            language="en",
            published=base - timedelta(days=n, hours=3),
            saved_at=base - timedelta(hours=5 * n),
            reading_minutes=minutes,
            word_count=minutes * 230,
            text=dek,
            html=f"<p>{dek}</p>",
            fetched_at=base - timedelta(hours=5 * n),
            favorite=n in (0, 4),
        )
        if n in (0, 2, 4, 8, 11):
            ItemImage.objects.create(
                item=item, source_url=f"https://{host}/lead.png", image=stored, position=0
            )
        if n == 0:
            first = item.pk
            tag = Tag.objects.create(user=user, name="long reads", key="long reads")
            item.tags.add(tag)
            html = READER_HTML.format(image=images.image_url(item.pk, digest))
            Item.objects.filter(pk=item.pk).update(
                html=html, text=" ".join(re.sub(r"<[^>]+>", " ", html).split()), summary=dek
            )
    return first
