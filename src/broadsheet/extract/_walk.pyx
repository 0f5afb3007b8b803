# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
"""Compiled walks over lxml's libxml2 tree (optional; broadsheet.extract.walks picks).

Each function here gives exactly what its pure-Python twin in walks.py gives, only faster: it
reads libxml2's nodes in C instead of making a Python object for every element it passes.
tests/extract/test_compiled_walks.py runs both on the same pages and compares.
"""

from libc.string cimport strcmp

from lxml.includes cimport tree
from lxml.includes.etreepublic cimport _Element, elementFactory, import_lxml__etree

import_lxml__etree()


cdef inline str _name(const char* name):
    """A libxml2 name as the lower-case str lxml's .tag.lower() gives."""
    cdef const unsigned char* p = <const unsigned char*>name
    cdef bint plain = True
    while p[0]:
        if p[0] >= 0x80 or (p[0] >= 65 and p[0] <= 90):
            plain = False
            break
        p += 1
    s = name.decode("utf-8", "replace")
    return s if plain else s.lower()


cdef str _attr_value(tree.xmlAttr* attr):
    """The value lxml's el.items() gives for an attribute ("" when it has none).

    lxml links libxml2 in statically and exports none of its functions, so values are read
    from the nodes: the text children joined (an HTML parse resolves entities in values).
    """
    cdef tree.xmlNode* child = attr.children
    if child is NULL:
        return ""
    if child.next is NULL:
        if child.content is NULL:
            return ""
        return (<const char*>child.content).decode("utf-8", "replace")
    parts = []
    while child is not NULL:
        if child.content is not NULL:
            parts.append((<const char*>child.content).decode("utf-8", "replace"))
        child = child.next
    return "".join(parts)


cdef long _split_bits(str value, dict tokens, token_class, value_bits) except -1:
    """The OR-ed token bits of a class/id/role value: chrome._Namer.bits, with the split and
    the lower-casing done in C for ASCII values (token_class judges tokens not seen yet)."""
    cdef bytes raw
    cdef const unsigned char* p
    cdef Py_ssize_t n, i, start
    cdef unsigned char c
    cdef long bits = 0
    cdef char buf[128]
    if not value.isascii():
        return <long>value_bits(value)
    raw = value.encode("ascii")
    p = <const unsigned char*>raw
    n = len(raw)
    i = 0
    while i < n:
        c = p[i]
        # str.split()'s ASCII whitespace
        if c == 32 or (c >= 9 and c <= 13) or (c >= 28 and c <= 31):
            i += 1
            continue
        start = i
        while i < n:
            c = p[i]
            if c == 32 or (c >= 9 and c <= 13) or (c >= 28 and c <= 31):
                break
            if i - start < 128:
                buf[i - start] = c + 32 if 65 <= c <= 90 else c
            i += 1
        if i - start > 128:
            token = value[start:i].lower()
        else:
            token = buf[:i - start].decode("ascii")
        found = tokens.get(token)
        if found is None:
            found = tokens[token] = token_class(token)
        bits |= <long>found
    return bits


def classify(
    _Element root,
    dict values,
    dict tokens,
    token_class,
    value_bits,
    dict verdicts,
    verdict_of,
    frozenset never_drop,
    frozenset drop_tags,
    frozenset chrome_roles,
    hidden_style,
    article_body,
    int strength_mask,
    int story_flag,
    list by_state,
    list by_name,
    list stories,
):
    """chrome._classify's walk: fills by_state, by_name and stories in document order."""
    cdef tree.xmlNode* top = root._c_node
    cdef tree.xmlNode* node = top
    cdef tree.xmlNode* nxt
    cdef tree.xmlAttr* attr
    cdef const char* aname
    cdef long bits
    cdef long verdict
    cdef bint hidden
    cdef bint descend
    doc = root._doc
    while node is not NULL:
        descend = False
        if node.type == tree.XML_ELEMENT_NODE:
            tag = _name(<const char*>node.name)
            if tag in never_drop:
                descend = True
            elif tag in drop_tags:
                by_state.append(elementFactory(doc, node))
            else:
                bits = 0
                itemprop = None
                hidden = False
                attr = node.properties
                while attr is not NULL:
                    if attr.ns is NULL:
                        aname = <const char*>attr.name
                        if strcmp(aname, b"class") == 0 or strcmp(aname, b"id") == 0:
                            value = _attr_value(attr)
                            if value:
                                known = values.get(value)
                                if known is None:
                                    known = values[value] = _split_bits(
                                        value, tokens, token_class, value_bits
                                    )
                                bits |= <long>known
                        elif strcmp(aname, b"role") == 0:
                            value = _attr_value(attr)
                            if value.lower() in chrome_roles:
                                hidden = True
                                break
                            if value:
                                known = values.get(value)
                                if known is None:
                                    known = values[value] = _split_bits(
                                        value, tokens, token_class, value_bits
                                    )
                                bits |= <long>known
                        elif strcmp(aname, b"hidden") == 0:
                            hidden = True
                            break
                        elif strcmp(aname, b"aria-hidden") == 0:
                            if _attr_value(attr) == "true":
                                hidden = True
                                break
                        elif strcmp(aname, b"style") == 0:
                            value = _attr_value(attr)
                            if value and hidden_style(value) is not None:
                                hidden = True
                                break
                        elif strcmp(aname, b"itemprop") == 0:
                            itemprop = _attr_value(attr)
                    attr = attr.next
                if hidden:
                    by_state.append(elementFactory(doc, node))
                else:
                    descend = True
                    if bits:
                        found = verdicts.get(bits)
                        if found is None:
                            found = verdicts[bits] = verdict_of(bits)
                        verdict = <long>found
                    else:
                        verdict = 0
                    if verdict & strength_mask:
                        by_name.append((elementFactory(doc, node), verdict))
                    elif verdict & story_flag or (itemprop and article_body(itemprop)):
                        stories.append(elementFactory(doc, node))
        elif node.type == tree.XML_COMMENT_NODE or node.type == tree.XML_PI_NODE:
            by_state.append(elementFactory(doc, node))
        # Next in document order: into the children, else the next sibling, else up.
        if descend and node.children is not NULL:
            node = node.children
            continue
        while node is not NULL:
            if node is top:
                node = NULL
                break
            nxt = node.next
            if nxt is not NULL:
                node = nxt
                break
            node = node.parent
    return None
