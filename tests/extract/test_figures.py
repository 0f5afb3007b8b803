# ruff: noqa: E501
"""Figures keep their image, caption and credit; gallery toggles go."""

from __future__ import annotations

from broadsheet.extract import Block, extract

from .conftest import ADDRESSES, PAGES


def _figures(name: str) -> list[Block]:
    html = (PAGES / f"{name}.html").read_bytes()
    return [b for b in extract(html, url=ADDRESSES[name]).blocks if b.kind == "figure"]


def test_gallery_figure_has_caption_and_credit() -> None:
    (figure,) = _figures("world-lavrov")
    assert figure.caption == (
        "Russian Foreign Minister Sergey Lavrov, right, and Finnish envoy Pekka Lindqvist attend a "
        "news conference after their meeting in Murmansk, Russia, on Tuesday, March 12, 2024."
    )
    assert figure.credit == "AP Photo/Misha Japaridze"
    assert figure.src == "https://www.dailyledger.example/images/2024/03/lavrov-talks-lead.jpg"
    assert figure.alt == "Sergey Lavrov and Pekka Lindqvist at a news conference"


def test_figure_html_has_figcaption_and_credit_span() -> None:
    html = (PAGES / "world-lavrov.html").read_bytes()
    article = extract(html, url=ADDRESSES["world-lavrov"])
    assert '<span class="credit">AP Photo/Misha Japaridze</span>' in article.html
    assert "<figcaption>Russian Foreign Minister Sergey Lavrov, right," in article.html
    assert (
        'src="https://www.dailyledger.example/images/2024/03/lavrov-talks-lead.jpg"' in article.html
    )


def test_two_figures_with_credit_paragraphs() -> None:
    first, second = _figures("local-library-flood")
    assert first.credit == "Photo: Dev Patel / Riverton Courier"
    assert second.credit == "Photo: Courtesy of Friends of the Riverton Library"
    assert first.caption is not None and first.caption.startswith("Children listen to a story")
    # A relative src is made absolute against the page address.
    assert second.src == "https://www.rivertoncourier.example/media/2024/05/library-reopening-2.jpg"


def test_figure_inside_picture_element() -> None:
    (figure,) = _figures("longread-tidewater")
    assert figure.src == "https://img.harbourhinterland.example/features/tidewater/launch-1200.jpg"
    assert figure.credit == "Gwilym Rees for Harbour & Hinterland"


def test_credit_in_parentheses_at_the_end_of_a_caption() -> None:
    html = """<html><body><article>
    <p>The first paragraph of a story that is long enough to be prose, with commas, clauses and a full stop.</p>
    <figure><img src="https://img.example/a.jpg" alt="a">
    <figcaption>Protesters gather outside the court on Monday. (AP Photo/Jane Roe)</figcaption></figure>
    <p>The second paragraph of the story is also long enough to count as real running text for the scorer.</p>
    </article></body></html>"""
    (figure,) = [b for b in extract(html).blocks if b.kind == "figure"]
    assert figure.caption == "Protesters gather outside the court on Monday."
    assert figure.credit == "AP Photo/Jane Roe"


def test_figures_can_be_left_out() -> None:
    from broadsheet.extract import ExtractOptions

    html = (PAGES / "world-lavrov.html").read_bytes()
    article = extract(html, options=ExtractOptions(include_figures=False))
    assert not [b for b in article.blocks if b.kind == "figure"]
    assert "AP Photo" not in article.text
