"""Make a Difference candidates: each kind found in a paragraph written for the test, in
English, French, German and Spanish; share links, the story's own site, other news stories and
mailto links left out; tracking stripped; the same address once."""

from __future__ import annotations

import time

from hypothesis import given, settings
from hypothesis import strategies as st

from broadsheet.extract.actions import ActionCandidate, action_candidates

BASE = "https://www.riverton-courier.example/news/2024/05/13/valley-floods-how-to-help"


def one(html: str, base: str = BASE) -> ActionCandidate:
    found = action_candidates(html, base)
    assert len(found) == 1, found
    return found[0]


def urls(html: str, base: str = BASE) -> list[str]:
    return [c.url for c in action_candidates(html, base)]


# --- each kind -----------------------------------------------------------------------------------


def test_a_donation_link() -> None:
    c = one(
        "<p>The Valley Relief Fund has opened an appeal for families who lost their homes. "
        'You can <a href="https://valleyrelief-fund.org/donate">donate to the appeal '
        "here</a>.</p>"
    )
    assert c.kind == "donate"
    assert c.title == "Donate to the appeal"
    assert "“donate”" in c.reason


def test_a_crowdfunding_page_is_a_donation_even_when_the_link_says_here() -> None:
    c = one(
        "<p>Neighbours have raised more than $40,000 for the Ortiz family on "
        '<a href="https://www.gofundme.com/f/help-the-ortiz-family-rebuild">this link</a>.</p>'
    )
    assert c.kind == "donate"
    assert c.title == "Donation page at gofundme.com"
    assert "gofundme.com is a donation site" in c.reason


def test_a_petition() -> None:
    c = one(
        "<p>More than 12,000 people have signed "
        '<a href="https://www.change.org/p/rebuild-the-mill-street-bridge">a petition</a> '
        "calling for the Mill Street bridge to be rebuilt before winter.</p>"
    )
    assert c.kind == "petition"
    assert c.url == "https://www.change.org/p/rebuild-the-mill-street-bridge"


def test_a_volunteering_page() -> None:
    c = one(
        "<p>The shelters need people to sort donated clothes and cook meals. To volunteer with "
        'the Red Cross, <a href="https://www.redcross.org.uk/get-involved/volunteer">'
        "sign up on its website</a>.</p>"
    )
    assert c.kind == "volunteer"
    assert c.title == "Sign up on its website"


def test_contacting_a_representative() -> None:
    c = one(
        "<p>Residents who want the flood defences funded can "
        '<a href="https://www.writetothem.com/">write to their MP</a> before the vote.</p>'
    )
    assert c.kind == "contact"


def test_an_organisation_named_in_the_story() -> None:
    c = one(
        "<p>The clean-up is being coordinated by "
        '<a href="https://www.riverkeepers-alliance.org/">Riverkeepers Alliance</a>, a charity '
        "that has worked on the valley's flood plain since 1998.</p>"
    )
    assert c.kind == "organisation"
    assert c.title == "Riverkeepers Alliance"
    assert "homepage" in c.reason


def test_a_helpline() -> None:
    c = one(
        "<p>Anyone struggling after the floods can call the free "
        '<a href="https://www.valleycares.org/helpline">24-hour helpline</a> run by '
        "the county.</p>"
    )
    assert c.kind == "contact"


def test_a_list_under_how_to_help() -> None:
    html = """<h2>How you can help</h2>
    <ul>
      <li><a href="https://www.rivertonfoodbank.org/">Riverton Food Bank</a></li>
      <li><a href="https://valleyanimalrescue.net/">Valley Animal Rescue</a></li>
    </ul>"""
    found = action_candidates(html, BASE)
    assert [c.title for c in found] == ["Riverton Food Bank", "Valley Animal Rescue"]
    assert all(c.kind == "organisation" for c in found)
    assert any("how you can help" in c.reason for c in found)


def test_french_german_and_spanish_phrases() -> None:
    french = one(
        "<p>Pour aider les sinistrés, la Fondation des Landes a ouvert une cagnotte : "
        '<a href="https://www.fondationdeslandes.fr/faire-un-don">faire un don</a>.</p>'
    )
    assert french.kind == "donate"
    german = one(
        "<p>Wer helfen möchte, kann die "
        '<a href="https://www.openpetition.de/petition/online/hochwasserschutz-jetzt">'
        "Petition unterschreiben</a>.</p>"
    )
    assert german.kind == "petition"
    german_volunteers = one(
        "<p>Die Tafel sucht freiwillige Helfer: "
        '<a href="https://www.tafel-ahrtal.de/mitmachen">Jetzt mitmachen</a></p>'
    )
    assert german_volunteers.kind == "volunteer"
    spanish = one(
        "<p>La ONG ha habilitado una línea de ayuda. Quienes quieran colaborar pueden "
        '<a href="https://www.ayudavalencia.org/voluntariado">hacerse voluntarios</a>.'
        "</p>"
    )
    assert spanish.kind == "volunteer"
    spanish_donation = one(
        "<p>Cáritas pide donativos para las familias afectadas: "
        '<a href="https://www.caritas-valencia.es/colabora">haz un donativo</a>.</p>'
    )
    assert spanish_donation.kind == "donate"


# --- what is left out ----------------------------------------------------------------------------


def test_share_links_social_pages_mailto_and_scripts_are_left_out() -> None:
    html = """<p>
      <a href="https://www.facebook.com/sharer/sharer.php?u=https://valleyrelief-fund.org/donate">
        Share on Facebook</a>
      <a href="https://twitter.com/intent/tweet?text=Donate%20now">Donate (tweet)</a>
      <a href="https://x.com/valleyrelief">Follow Valley Relief</a>
      <a href="https://wa.me/?text=donate">WhatsApp</a>
      <a href="mailto:appeal@valleyrelief-fund.org">Email the appeal to donate</a>
      <a href="javascript:donate()">Donate</a>
      <a href="data:text/html,donate">Donate</a>
      <a href="tel:+15555550100">Call the helpline</a>
    </p>"""
    assert action_candidates(html, BASE) == []


def test_the_story_s_own_site_is_left_out_unless_it_is_plainly_an_appeal() -> None:
    html = """<p>
      <a href="/news/2024/05/12/valley-floods-death-toll-rises">Our earlier report</a>
      <a href="https://www.riverton-courier.example/weather/flood-warnings">Flood warnings</a>
      <a href="https://live.riverton-courier.example/newsletter/sign-up">Sign up to our
        newsletter</a>
      <a href="/support-us">Support our journalism</a>
      <a href="/christmas-appeal/donate">Donate to the Courier's flood appeal</a>
    </p>"""
    found = action_candidates(html, BASE)
    assert [c.url for c in found] == [
        "https://www.riverton-courier.example/christmas-appeal/donate"
    ]
    assert found[0].kind == "donate"


def test_other_news_stories_are_left_out() -> None:
    html = """<p>The charity's appeal was first reported by
      <a href="https://www.otherpaper.co.uk/2024/05/11/charity-launches-flood-appeal">
        the Otherpaper</a>, and according to
      <a href="https://news.example-daily.net/uk/politics/flood-defence-funding-row-deepens-123456">
        a report</a> the county has asked for help.</p>"""
    assert action_candidates(html, BASE) == []


def test_a_dated_action_page_is_kept_when_the_address_says_so() -> None:
    c = one(
        '<p><a href="https://www.valleyrelief-fund.org/2024/05/donate-flood-appeal">Give '
        "to the flood appeal</a></p>"
    )
    assert c.kind == "donate"


def test_reference_sites_and_media_files_are_left_out() -> None:
    html = """<p>The <a href="https://en.wikipedia.org/wiki/Red_Cross">Red Cross</a>, founded
      in 1863, is asking people to donate.
      <a href="https://valleyrelief-fund.org/poster-donate.jpg">Donate poster</a></p>"""
    assert action_candidates(html, BASE) == []


def test_tracking_is_stripped_and_redirects_unwrapped() -> None:
    c = one(
        '<p><a href="https://valleyrelief-fund.org/donate?utm_source=courier&amp;utm_medium='
        'article&amp;amount=25&amp;fbclid=abc#form">Donate now</a></p>'
    )
    assert c.url == "https://valleyrelief-fund.org/donate?amount=25"
    wrapped = one(
        '<p><a href="https://www.google.com/url?q=https://www.change.org/p/save-the-mill%3F'
        'utm_source%3Dmail&amp;sa=D">Sign the petition</a></p>'
    )
    assert wrapped.url == "https://www.change.org/p/save-the-mill"
    assert wrapped.kind == "petition"


def test_the_same_address_twice_is_one_candidate_with_the_better_title() -> None:
    html = """<p>Donations can be made <a href="https://valleyrelief-fund.org/donate?utm_source=a">
      here</a>.</p>
      <p>The <a href="https://valleyrelief-fund.org/donate/?utm_source=b">Valley Relief
      appeal</a> has raised $2m.</p>
      <p><a href="http://VALLEYRELIEF-FUND.org:80/donate">Donate</a></p>"""
    found = action_candidates(html, BASE)
    assert len(found) == 1
    assert found[0].url == "https://valleyrelief-fund.org/donate"
    assert found[0].title == "Valley Relief appeal"


def test_links_that_merely_inform_are_not_actions() -> None:
    html = """<p>Rainfall figures from the
      <a href="https://www.metoffice.gov.uk/climate/rainfall-records">Met Office</a>
      show May was the wettest on record, according to
      <a href="https://www.hydrology.ac.uk/research/valley-flood-study">a study</a>.</p>"""
    assert action_candidates(html, BASE) == []


def test_relative_links_resolve_against_the_story() -> None:
    c = one(
        '<p>You can help: <a href="https://flood-appeal.org/donate">donate</a> or read '
        '<a href="../../about">about us</a>.</p>',
        base="https://www.example-news.com/a/b/story",
    )
    assert c.url == "https://flood-appeal.org/donate"


# --- order, limits, robustness -------------------------------------------------------------------


def test_strongest_first_then_document_order_and_limit() -> None:
    html = """<p>Visit <a href="https://www.valleyaid.org/">Valley Aid</a> to find out
      how to help.</p>
      <p>Sign <a href="https://www.change.org/p/valley-bridge">the petition</a>.</p>
      <p><a href="https://valleyrelief-fund.org/donate">Donate</a> to the appeal.</p>"""
    found = action_candidates(html, BASE)
    assert [c.kind for c in found] == ["petition", "donate", "organisation"]
    assert [c.kind for c in action_candidates(html, BASE, limit=1)] == ["petition"]
    assert action_candidates(html, BASE, limit=0) == []


def test_empty_and_odd_inputs() -> None:
    assert action_candidates("", BASE) == []
    assert action_candidates("   ", BASE) == []
    assert action_candidates("<p>No links at all.</p>", BASE) == []
    assert action_candidates('<p><a href="">x</a><a>y</a><a href="#top">z</a></p>', BASE) == []
    # No base: relative links cannot be resolved, absolute ones still count.
    assert urls('<a href="/donate">Donate</a><a href="https://x-appeal.org/donate">D</a>', "") == [
        "https://x-appeal.org/donate"
    ]
    assert urls('<a href="https://x-appeal.org/donate">Donate</a>', "http://[broken") == [
        "https://x-appeal.org/donate"
    ]


def test_deterministic_and_fast() -> None:
    paragraph = (
        '<p>You can <a href="https://valleyrelief-fund.org/donate">donate</a>, sign '
        '<a href="https://www.change.org/p/x">the petition</a> or read '
        '<a href="https://news.example.com/2024/05/01/story">the story</a>.</p>'
    )
    html = paragraph * 200
    first = action_candidates(html, BASE)
    start = time.perf_counter()
    again = action_candidates(html, BASE)
    elapsed = time.perf_counter() - start
    assert again == first and len(first) == 2
    assert elapsed < 1.0


@settings(max_examples=200)
@given(st.text(max_size=500), st.text(max_size=80))
def test_never_crashes(text: str, href: str) -> None:
    html = f'<p>{text} <a href="{href}">{text[:20]}</a> donate</p>'
    for candidate in action_candidates(html, BASE):
        assert candidate.url.startswith(("http://", "https://"))
        assert candidate.title and candidate.reason


def test_only_links_in_the_storys_own_paragraphs_are_read_from_the_page() -> None:
    from broadsheet.extract.actions import story_link_html

    page = (
        "<html><body><nav><a href='https://paper.example/subscribe'>Subscribe</a>"
        "<a href='https://give.example.org/donate'>Donate to the paper</a></nav>"
        "<article><p>The shelter asked readers to "
        "<a href='https://shelter.example.org/donate'>donate to the winter appeal</a> "
        "before the first frost.</p><p>Volunteers are needed on weekends.</p></article>"
        "<aside><p>Support our journalism: <a href='https://paper.example/donate'>give now</a>"
        " and help us report.</p></aside></body></html>"
    )
    story = (
        "The shelter asked readers to donate to the winter appeal before the first frost.\n\n"
        "Volunteers are needed on weekends."
    )
    html = story_link_html(page, story)
    found = [c.url for c in action_candidates(html, "https://paper.example/news/shelter")]
    assert found == ["https://shelter.example.org/donate"]
    assert story_link_html(page, "") == "" and story_link_html("", story) == ""
