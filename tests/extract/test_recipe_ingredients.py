"""A recipe's ingredient list, set in a box of its own away from the method, joins the body
when the page declares a schema.org Recipe listing them (recipe.py)."""

from __future__ import annotations

import json

import pytest

from broadsheet.extract import extract, recipe
from broadsheet.extract.article import ExtractOptions
from broadsheet.extract.dom import parse, to_text
from broadsheet.extract.metadata import microdata_ingredients, read_metadata

RECIPES = {
    "de": {
        "title": "Apfelkuchen vom Blech",
        "heading": "Zutaten",
        "method_heading": "Zubereitung",
        # (quantity, unit, name): set in separate spans, as recipe sites do
        "ingredients": (
            ("300", "g", "Weizenmehl"),
            ("200", "g", "weiche Butter"),
            ("150", "g", "brauner Zucker"),
            ("3", "", "Eier (Größe M)"),
            ("1", "Pck.", "Backpulver"),
            ("1", "kg", "säuerliche Äpfel"),
            ("1", "TL", "gemahlener Zimt"),
        ),
        "steps": (
            "Den Backofen auf 180 Grad vorheizen und ein tiefes Blech mit Backpapier auslegen, "
            "damit der Teig später nicht am Rand festklebt und sich gut lösen lässt.",
            "Die Butter mit dem Zucker schaumig rühren, dann die Eier nacheinander unterrühren. "
            "Mehl und Backpulver mischen und löffelweise unter die Masse heben, bis ein glatter "
            "Teig entsteht, der schwer vom Löffel fällt.",
            "Die Äpfel schälen, vierteln, vom Kerngehäuse befreien und in dünne Spalten "
            "schneiden. Den Teig auf dem Blech verstreichen und die Spalten dicht an dicht "
            "darauf legen, dann mit Zimt bestreuen.",
            "Den Kuchen etwa vierzig Minuten backen, bis er goldbraun ist, und auf dem Blech "
            "auskühlen lassen. Mit geschlagener Sahne schmeckt er am besten noch lauwarm.",
        ),
        "teasers": ("Zwetschgenkuchen", "Rhabarberkuchen", "Käsekuchen ohne Boden"),
    },
    "en": {
        "title": "Weeknight Lentil Soup",
        "heading": "Ingredients",
        "method_heading": "Method",
        "ingredients": (
            ("2", "tbsp", "olive oil"),
            ("1", "large", "onion, finely chopped"),
            ("2", "", "carrots, diced"),
            ("3", "cloves", "garlic, crushed"),
            ("250", "g", "red lentils, rinsed"),
            ("1.2", "litres", "vegetable stock"),
            ("1", "tsp", "ground cumin"),
        ),
        "steps": (
            "Warm the oil in a large pan over a medium heat and soften the onion and carrots "
            "for about ten minutes, stirring now and then so that nothing catches on the base.",
            "Stir in the garlic and cumin and cook for a minute more, until fragrant. Tip in the "
            "lentils and the stock, bring to the boil, then lower the heat and simmer gently.",
            "After twenty minutes the lentils should have collapsed into the stock. Season well, "
            "blend half of the soup if you like it thicker, and stir it back into the pan.",
            "Serve in warm bowls with a swirl of yoghurt and some crusty bread. The soup keeps "
            "for three days in the fridge and freezes well for up to three months.",
        ),
        "teasers": ("Spiced squash soup", "Green minestrone", "Five-bean chilli"),
    },
}


def _ingredient_rows(r: dict) -> str:
    rows = "".join(
        f"<li><span class='qty'>{q}</span> <span class='unit'>{u}</span>\n"
        f"<span class='name'>{n}</span></li>"
        for q, u, n in r["ingredients"]
    )
    return f"<div class='ingredients-box'><ul class='ingredients'>{rows}</ul></div>"


def _json_ld(r: dict, graph: bool) -> str:
    recipe_node = {
        "@type": "Recipe",
        "name": r["title"],
        "recipeIngredient": [f"{q} {u} {n}".replace("  ", " ") for q, u, n in r["ingredients"]],
    }
    data: dict = (
        {
            "@context": "https://schema.org",
            "@graph": [{"@type": "WebSite", "name": "x"}, recipe_node],
        }
        if graph
        else {"@context": "https://schema.org", **recipe_node}
    )
    return f"<script type='application/ld+json'>{json.dumps(data)}</script>"


def recipe_page(
    lang: str, *, declared: str = "json-ld", graph: bool = False, in_body: bool = False
) -> str:
    """A recipe page: the title, the ingredients in a box of their own under their heading,
    then the method in the story box, a column of teasers beside it. declared: "json-ld",
    "microdata" or "" (no Recipe declaration). in_body: the ingredients are in the method's
    box too, as a list above the steps."""
    r = RECIPES[lang]
    steps = "".join(f"<p>{s}</p>" for s in r["steps"])
    head = _json_ld(r, graph) if declared == "json-ld" else ""
    box = _ingredient_rows(r)
    if declared == "microdata":
        box = box.replace("<li>", "<li itemprop='recipeIngredient'>")
    scope = " itemscope itemtype='https://schema.org/Recipe'" if declared == "microdata" else ""
    method = (
        f"<div class='method'>{box if in_body else ''}<h2>{r['method_heading']}</h2>{steps}</div>"
    )
    aside_box = "" if in_body else f"<h2>{r['heading']}</h2>{box}"
    teasers = "".join(f"<li><a href='/r/{i}'>{t}</a></li>" for i, t in enumerate(r["teasers"]))
    return (
        f"<html lang='{lang}'><head><title>{r['title']}</title>{head}</head><body>"
        f"<nav><a href='/'>Home</a></nav>"
        f"<main><div class='recipe'{scope}><h1>{r['title']}</h1>"
        f"<div class='row'><div class='col-side'>{aside_box}</div>"
        f"<div class='col-main'>{method}</div></div></div>"
        f"<div class='more'><h3>…</h3><ul>{teasers}</ul></div></main>"
        f"<footer><p>© Kitchen</p></footer></body></html>"
    )


def _names(lang: str) -> list[str]:
    return [n for _, _, n in RECIPES[lang]["ingredients"]]


@pytest.mark.parametrize("lang", sorted(RECIPES))
@pytest.mark.parametrize("graph", [False, True])
def test_ingredients_box_joins_the_method(lang: str, graph: bool) -> None:
    r = RECIPES[lang]
    article = extract(recipe_page(lang, graph=graph))
    text = article.text
    for name in _names(lang):
        assert name in text
    assert r["steps"][0] in text and r["steps"][-1] in text
    # in the page's order: the heading, the list, then the method
    assert text.index(r["heading"]) < text.index(_names(lang)[0]) < text.index(r["steps"][0])
    lists = [b for b in article.blocks if b.kind == "list"]
    assert len(lists) == 1 and len(lists[0].items) == len(r["ingredients"])
    # the page's visible lines, quantities and all, not the declared strings
    q, u, n = r["ingredients"][0]
    assert lists[0].items[0] == f"{q} {u} {n}"


@pytest.mark.parametrize("lang", sorted(RECIPES))
def test_microdata_ingredients_join_the_method(lang: str) -> None:
    text = extract(recipe_page(lang, declared="microdata")).text
    for name in _names(lang):
        assert name in text
    assert text.index(_names(lang)[0]) < text.index(RECIPES[lang]["steps"][0])


@pytest.mark.parametrize("lang", sorted(RECIPES))
def test_no_recipe_declared_page_unchanged(lang: str) -> None:
    # The method alone, as before: without a declaration nothing says which box is what.
    text = extract(recipe_page(lang, declared="")).text
    assert RECIPES[lang]["steps"][0] in text
    assert _names(lang)[0] not in text
    assert RECIPES[lang]["heading"] not in text


@pytest.mark.parametrize("lang", sorted(RECIPES))
def test_ingredients_already_in_body_not_repeated(lang: str) -> None:
    article = extract(recipe_page(lang, in_body=True))
    lines = article.text.split("\n")
    for q, u, n in RECIPES[lang]["ingredients"]:
        assert lines.count(" ".join(p for p in (q, u, n) if p)) == 1
    assert RECIPES[lang]["heading"] not in article.text
    assert len([b for b in article.blocks if b.kind == "list"]) == 1


def test_declared_ingredients_read_from_json_ld_and_microdata() -> None:
    options = ExtractOptions()
    root = parse(to_text(recipe_page("en", graph=True), options), options)
    assert read_metadata(root, None).ingredients[4] == "250 g red lentils, rinsed"
    root = parse(to_text(recipe_page("de", declared="microdata"), options), options)
    assert microdata_ingredients(root)[0] == "300 g Weizenmehl"
    assert read_metadata(root, None).ingredients == microdata_ingredients(root)


def test_microdata_ingredients_need_a_recipe_item_type() -> None:
    # The ingredient properties on a page whose elements declare no Recipe type (the words
    # in its text, in another attribute, or another type): not a recipe's list.
    options = ExtractOptions()
    page = recipe_page("en", declared="microdata")
    for other in (
        "itemtype='https://schema.org/HowTo' title='https://schema.org/Recipe'",
        "data-type='https://schema.org/Recipe'",
    ):
        html = page.replace("itemtype='https://schema.org/Recipe'", other)
        html = html.replace("<footer><p>", "<footer><p>Marked up as schema.org/Recipe. ")
        root = parse(to_text(html, options), options)
        assert microdata_ingredients(root)
        assert read_metadata(root, None).ingredients == ()
        assert _names("en")[0] not in extract(html).text


def test_ingredient_lines_match_on_words_not_on_sentences() -> None:
    keys = recipe.ingredient_keys(["150 g brauner Zucker", "1 TL gemahlener Zimt"])
    # a line of the list, its quantity written otherwise
    assert recipe._matches(keys, ["150g brauner Zucker"]) == {0}
    # a sentence of the method naming the ingredients is no ingredient line
    assert not recipe._matches(
        keys,
        ["Den Teig verstreichen, mit braunem Zucker und gemahlener Zimt bestreuen und backen."],
    )
