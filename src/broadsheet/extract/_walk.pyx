# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
"""Compiled walks over lxml's libxml2 tree (optional: broadsheet.extract.compiled loads it).

Each function here gives exactly what its pure-Python twin gives (the code each is called
beside, in chrome, scoring, metadata, byline, blocks, captions and dom), only faster: it reads
libxml2's nodes in C instead of making a Python object for every element it passes. Sections,
in order: the classification walk, drop_chrome and scoring, metadata and bylines, blocks, the
parsing bounds, body.assemble's caption boxes and text tests.

Two rules hold throughout. lxml links libxml2 in statically and exports none of its functions,
so only struct fields are read (no xmlFree, no xmlNodeGetContent). And the tree is never changed
here: removals and text edits stay on lxml's Python API. tests/extract/test_compiled_*.py run
both paths on the same inputs and compare.
"""

from cpython.mem cimport PyMem_Calloc, PyMem_Free, PyMem_Malloc, PyMem_Realloc
from cpython.unicode cimport (
    Py_UCS1,
    Py_UCS2,
    Py_UNICODE_ISALNUM,
    Py_UNICODE_ISSPACE,
    PyUnicode_1BYTE_KIND,
    PyUnicode_DATA,
    PyUnicode_FromKindAndData,
    PyUnicode_KIND,
    PyUnicode_READ,
    PyUnicode_WRITE,
)
from cpython.object cimport PyObject, PyObject_GenericSetAttr, PyTypeObject
from libc.string cimport memcmp, memset, strcmp

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


cdef class _Literals:
    """Literal words as ASCII bytes, bucketed by their first byte (or last, for suffixes).

    A word holding a non-ASCII character is left out: it can be no part of an ASCII token.
    """
    cdef bytes data
    cdef Py_ssize_t* offsets
    cdef Py_ssize_t* lengths
    cdef Py_ssize_t bucket[257]  # the words keyed by byte b are [bucket[b], bucket[b + 1])
    cdef bint has_empty

    def __cinit__(self, words, bint by_last=False):
        cdef Py_ssize_t k, key, at = 0, b = 0
        cdef int end = -1 if by_last else 0
        kept = sorted({w for w in words if w and w.isascii()}, key=lambda w: w[end])
        self.has_empty = "" in words
        self.data = "".join(kept).encode("ascii")
        self.offsets = <Py_ssize_t*>PyMem_Malloc((len(kept) + 1) * sizeof(Py_ssize_t))
        self.lengths = <Py_ssize_t*>PyMem_Malloc((len(kept) + 1) * sizeof(Py_ssize_t))
        if self.offsets is NULL or self.lengths is NULL:
            raise MemoryError()
        for k, word in enumerate(kept):
            self.offsets[k] = at
            self.lengths[k] = len(word)
            at += len(word)
            key = ord(word[end])
            while b <= key:
                self.bucket[b] = k
                b += 1
        while b <= 256:
            self.bucket[b] = len(kept)
            b += 1

    def __dealloc__(self):
        PyMem_Free(self.offsets)
        PyMem_Free(self.lengths)

    cdef inline bint _at(self, const unsigned char* s, Py_ssize_t room, bint whole) noexcept:
        """Whether a word starts at s: within room bytes, or filling exactly room if whole."""
        cdef const unsigned char* base = <const unsigned char*>self.data
        cdef Py_ssize_t k, length
        cdef unsigned char c = s[0]
        for k in range(self.bucket[c], self.bucket[c + 1]):
            length = self.lengths[k]
            if (length == room if whole else length <= room) and memcmp(
                s, base + self.offsets[k], length
            ) == 0:
                return True
        return False

    cdef bint within(self, const unsigned char* s, Py_ssize_t n) noexcept:
        """Whether a word occurs in s[:n] (the literal_alternation pattern's search)."""
        cdef Py_ssize_t i
        if self.has_empty:
            return True
        for i in range(n):
            if self._at(s + i, n - i, False):
                return True
        return False

    cdef bint piece(self, const unsigned char* s, Py_ssize_t n) noexcept:
        """Whether a word equals one of the pieces s[:n] splits into at "-" and "_"."""
        cdef Py_ssize_t i = 0, start = 0
        while i <= n:
            if i == n or s[i] == 45 or s[i] == 95:
                if i == start:
                    if self.has_empty:
                        return True
                elif self._at(s + start, i - start, True):
                    return True
                start = i + 1
            i += 1
        return False

    cdef bint ends(self, const unsigned char* s, Py_ssize_t n) noexcept:
        """Whether s[:n] ends with a word (the words bucketed by their last byte)."""
        cdef const unsigned char* base = <const unsigned char*>self.data
        cdef Py_ssize_t k, length
        if self.has_empty:
            return True
        if n == 0:
            return False
        cdef unsigned char c = s[n - 1]
        for k in range(self.bucket[c], self.bucket[c + 1]):
            length = self.lengths[k]
            if length <= n and memcmp(s + n - length, base + self.offsets[k], length) == 0:
                return True
        return False


cdef void _heads_table(unsigned char* table, heads):
    """table[b] = 1 for the bytes a token may start with: all of them when heads is None, else
    those of the ASCII characters in heads."""
    memset(table, 1 if heads is None else 0, 256)
    if heads is not None:
        for ch in heads:
            if len(ch) == 1 and ord(ch) < 128:
                table[ord(ch)] = 1


cdef class TokenJudge:
    """chrome._token_class, with the literal-word tests done by memcmp on ASCII tokens.

    The regex rules (comment thread, post template, taxonomy) are still the patterns' own
    methods, and a token with a non-ASCII character goes to token_class whole.
    """
    cdef object token_class
    cdef frozenset content_words, story_words
    cdef _Literals words, substrings, strong, suffixes
    cdef object thread, post, taxonomy, state
    cdef long t_content, t_story, t_chrome, t_strong, t_post
    cdef int taxonomy_shift
    # Whether a token starting with this byte may match the thread / post template pattern
    # (regex_heads.first_chars): the others skip the call into re.
    cdef unsigned char thread_first[256]
    cdef unsigned char post_first[256]

    def __init__(
        self,
        token_class,
        frozenset content_words,
        frozenset story_words,
        words,
        substrings,
        strong,
        suffixes,
        thread_fullmatch,
        post_fullmatch,
        taxonomy_match,
        state_match,
        long t_content,
        long t_story,
        long t_chrome,
        long t_strong,
        long t_post,
        int taxonomy_shift,
        thread_heads=None,
        post_heads=None,
    ):
        _heads_table(self.thread_first, thread_heads)
        _heads_table(self.post_first, post_heads)
        self.token_class = token_class
        self.content_words = content_words
        self.story_words = story_words
        # A piece of a token has no "-" or "_", so a word holding one never equals a piece.
        self.words = _Literals([w for w in words if "-" not in w and "_" not in w])
        # literal_alternation of no words is the empty pattern, found in every token.
        self.substrings = _Literals(substrings or ("",))
        self.strong = _Literals(strong or ("",))
        self.suffixes = _Literals(suffixes, by_last=True)
        self.thread = thread_fullmatch
        self.post = post_fullmatch
        self.taxonomy = taxonomy_match
        self.state = state_match
        self.t_content = t_content
        self.t_story = t_story
        self.t_chrome = t_chrome
        self.t_strong = t_strong
        self.t_post = t_post
        self.taxonomy_shift = taxonomy_shift

    def __call__(self, str token):
        if not token.isascii():
            return self.token_class(token)
        raw = token.encode("ascii")
        return self.judge(<const unsigned char*>raw, len(raw), token)

    cdef long judge(self, const unsigned char* s, Py_ssize_t n, str token) except -1:
        """The bits of token, whose ASCII bytes are s[:n]."""
        cdef long bits = 0
        cdef bint chrome, strong
        if token in self.content_words:
            bits = self.t_content | self.t_story if token in self.story_words else self.t_content
        chrome = self.words.piece(s, n) or self.substrings.within(s, n)
        strong = self.strong.within(s, n) or (
            n > 0 and self.thread_first[s[0]] and self.thread(token) is not None
        )
        # A state token ("has-no-title", "is-sticky") names no role, whatever words follow:
        # asked only of a token that names chrome (a call into re for every new token costs).
        if (chrome or strong) and self.state(token) is not None:
            chrome = strong = False
        if chrome:
            bits |= self.t_chrome
        if strong:
            bits |= self.t_strong
        if not bits & self.t_chrome and self.suffixes.ends(s, n):
            bits |= self.t_content | self.t_story
        if n > 0 and self.post_first[s[0]] and self.post(token) is not None:
            bits |= self.t_post
        if bits & self.t_chrome and self.taxonomy(token) is not None:
            bits = (bits & ~(self.t_chrome | self.t_strong)) | bits << self.taxonomy_shift
        return bits


cdef long _split_bits(
    str value, dict tokens, token_class, TokenJudge judge, value_bits
) except -1:
    """The OR-ed token bits of a class/id/role value: chrome._Namer.bits, with the split and
    the lower-casing done in C for ASCII values (token_class judges tokens not seen yet, on
    the bytes already at hand when it is a TokenJudge)."""
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
            if judge is not None and i - start <= 128:
                found = tokens[token] = judge.judge(<const unsigned char*>buf, i - start, token)
            else:
                found = tokens[token] = token_class(token)
        bits |= <long>found
    return bits


cdef enum:
    _NAME_SLOTS = 256  # a power of two
    _KEEP = 1
    _DROP = 2


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
    cdef TokenJudge judge = token_class if isinstance(token_class, TokenJudge) else None
    # What each tag name is (_KEEP, _DROP, other), by the address of the name: the parser
    # interns names, so a page has a few dozen addresses, and none is freed while the walk runs.
    cdef const void* name_at[_NAME_SLOTS]
    cdef char name_kind[_NAME_SLOTS]
    cdef char kind
    cdef size_t slot
    cdef int names_held = 0
    memset(name_at, 0, sizeof(name_at))
    doc = root._doc
    while node is not NULL:
        descend = False
        if node.type == tree.XML_ELEMENT_NODE:
            if _getNs(node) is not NULL:
                kind = 0  # its .tag is "{uri}name", no HTML tag name
            else:
                slot = (<size_t>node.name >> 3) & (_NAME_SLOTS - 1)
                while name_at[slot] is not NULL and name_at[slot] != <const void*>node.name:
                    slot = (slot + 1) & (_NAME_SLOTS - 1)
                if name_at[slot] is NULL:
                    tag = _name(<const char*>node.name)
                    kind = _KEEP if tag in never_drop else _DROP if tag in drop_tags else 0
                    # A free slot always stays, so that a probe ends: the names past that many
                    # are decoded each time.
                    if names_held < _NAME_SLOTS - 1:
                        name_at[slot] = node.name
                        name_kind[slot] = kind
                        names_held += 1
                else:
                    kind = name_kind[slot]
            if kind == _KEEP:
                descend = True
            elif kind == _DROP:
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
                                        value, tokens, token_class, judge, value_bits
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
                                        value, tokens, token_class, judge, value_bits
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


# ---------------------------------------------------------------------------------------------
# drop_chrome after the classification walk, and scoring's walks up the tree.
#
# Membership of an ancestor in a set of elements is tested without making its proxy: lxml keeps
# a node's live proxy in node._private, and an element held in a set is alive, so a node with no
# proxy is in no set (lxml's own getProxy reads the same field).

from libc.math cimport INFINITY
from libc.string cimport strlen
from lxml.includes.etreepublic cimport _getNs, _isElement


cdef inline bint _ascii_space(unsigned char c) noexcept nogil:
    """What str.isspace() says of an ASCII character (\\x1c-\\x1f count, as in str.split)."""
    return c == 32 or (c >= 9 and c <= 13) or (c >= 28 and c <= 31)


cdef Py_ssize_t _text_len(const unsigned char* s, Py_ssize_t least) except -2:
    """len(text.strip()) of a text node's content, or -1 where len(text) < least.

    Python counts code points and strips Unicode whitespace. Runs of ASCII whitespace at the
    ends are stripped here, and the code points between them counted by their UTF-8 lead bytes;
    when a non-ASCII character sits at an end (it may be whitespace: U+00A0, U+3000) the text
    between is decoded and str.strip decides.
    """
    cdef Py_ssize_t n = strlen(<const char*>s)
    cdef Py_ssize_t i = 0
    cdef Py_ssize_t j = n
    cdef Py_ssize_t k
    cdef Py_ssize_t chars = 0
    if n < least:
        return -1  # fewer bytes than that, so fewer code points
    while i < j and _ascii_space(s[i]):
        i += 1
    while j > i and _ascii_space(s[j - 1]):
        j -= 1
    if i < j and (s[i] >= 0x80 or s[j - 1] >= 0x80):
        middle = (<const char*>s)[i:j].decode("utf-8", "replace")
        if len(middle) + i + (n - j) < least:
            return -1
        return len(middle.strip())
    for k in range(i, j):
        if s[k] & 0xC0 != 0x80:
            chars += 1
    if chars + i + (n - j) < least:
        return -1
    return chars


cdef inline bint _is_text(tree.xmlNode* node) noexcept nogil:
    """A node XPath's text() matches."""
    return node.type == tree.XML_TEXT_NODE or node.type == tree.XML_CDATA_SECTION_NODE


cdef inline tree.xmlNode* _following(tree.xmlNode* node, tree.xmlNode* top) noexcept nogil:
    """The next node after node's subtree in document order within top's subtree, or NULL."""
    while node is not NULL and node is not top:
        if node.next is not NULL:
            return node.next
        node = node.parent
    return NULL


cdef inline bint _named(tree.xmlNode* node, const char* name) noexcept nogil:
    """Whether node is an element whose lxml .tag is name (HTML trees have no namespaces; a
    namespaced element's .tag is "{uri}name")."""
    return (
        node.type == tree.XML_ELEMENT_NODE
        and _getNs(node) is NULL
        and strcmp(<const char*>node.name, name) == 0
    )


cdef Py_ssize_t _prose_chars(
    tree.xmlNode* top, Py_ssize_t least, double stop=INFINITY
) except -1:
    """chrome.prose_chars below top (its _LONG_TEXTS XPath, in one walk without strings); the
    walk ends once the sum reaches stop, and returns the sum so far."""
    # Only elements have children in an HTML tree (an entity reference's are a declaration,
    # which XPath's descendant axis does not enter either).
    cdef tree.xmlNode* node = top.children
    cdef Py_ssize_t total = 0
    cdef Py_ssize_t n
    while node is not NULL:
        if _is_text(node):
            if node.content is not NULL:
                n = _text_len(<const unsigned char*>node.content, least)
                if n >= least:
                    total += n
                    if <double>total >= stop:
                        return total
        elif node.type == tree.XML_ELEMENT_NODE and node.children is not NULL:
            node = node.children
            continue
        node = _following(node, top)
    return total


def prose_chars(_Element el, Py_ssize_t least):
    """chrome.prose_chars: the stripped lengths of the text nodes under el of at least least
    characters, summed."""
    return _prose_chars(el._c_node, least)


def prose_reaching(list els, Py_ssize_t least, double floor):
    """[el for el in els if prose_chars(el, least) >= floor] (chrome._reaching), each walk
    ending where its sum reaches floor."""
    cdef _Element el
    cdef list out = []
    for el in els:
        if <double>_prose_chars(el._c_node, least, floor) >= floor:
            out.append(el)
    return out


cdef bint _placed(tree.xmlNode* node, tree.xmlNode* root, set marks, set doomed, bint* inside):
    """chrome._placed: whether node is in root's tree below no doomed element (*inside: whether
    it lies within a marked one), in one walk up without a proxy for the ancestors (one held in
    a set has one already: lxml keeps it in node._private)."""
    cdef tree.xmlNode* top = node
    cdef tree.xmlNode* up = node.parent
    inside[0] = False
    # iterancestors: parents while they are elements (not the document)
    while up is not NULL and _isElement(up):
        top = up
        if up._private is not NULL:
            proxy = <object>up._private
            if proxy in doomed:
                return False
            if proxy in marks:
                inside[0] = True
        up = up.parent
    return top is root


cdef bint _holds_inline_prose(
    tree.xmlNode* top, frozenset tags, Py_ssize_t least, Py_ssize_t floor
) except -1:
    """chrome._holds_inline_prose: an element of tags whose text nodes of at least least
    characters outside links add up to floor (stripped)."""
    cdef tree.xmlNode* node = top
    cdef Py_ssize_t total = 0
    cdef Py_ssize_t n
    if top.type != tree.XML_ELEMENT_NODE or _getNs(top) is not NULL:
        return False
    # el.tag, not lower-cased
    if (<const char*>top.name).decode("utf-8", "replace") not in tags:
        return False
    # [not(ancestor::a)] looks above el too: inside a link, no text counts.
    while node is not NULL and node.type == tree.XML_ELEMENT_NODE:
        if _named(node, b"a"):
            return False
        node = node.parent
    node = top.children
    while node is not NULL:
        if _is_text(node):
            if node.content is not NULL:
                n = _text_len(<const unsigned char*>node.content, least)
                if n > 0:
                    total += n
        elif (
            node.type == tree.XML_ELEMENT_NODE
            and node.children is not NULL
            and not _named(node, b"a")
        ):
            node = node.children
            continue
        node = _following(node, top)
    return total >= floor


cdef object _attr_get(tree.xmlNode* node, const char* name):
    """el.get(name): the first attribute of that name outside any namespace, or None."""
    cdef tree.xmlAttr* attr = node.properties
    while attr is not NULL:
        if attr.ns is NULL and strcmp(<const char*>attr.name, name) == 0:
            return _attr_value(attr)
        attr = attr.next
    return None


cdef inline bint _has_attr(tree.xmlNode* node, const char* name) noexcept:
    """name in el.attrib, outside any namespace, without making its value."""
    cdef tree.xmlAttr* attr = node.properties
    while attr is not NULL:
        if attr.ns is NULL and strcmp(<const char*>attr.name, name) == 0:
            return True
        attr = attr.next
    return False


cdef inline bint _is_link(tree.xmlNode* node) noexcept:
    """blocks.is_link on an <a>: an href, or neither a name nor an id."""
    return _has_attr(node, b"href") or not (_has_attr(node, b"name") or _has_attr(node, b"id"))


cdef inline tree.xmlNode* _sibling(tree.xmlNode* node, bint forward) noexcept nogil:
    """getnext()/getprevious(): the nearest sibling lxml hands out (element, comment, PI...)."""
    node = node.next if forward else node.prev
    while node is not NULL and not _isElement(node):
        node = node.next if forward else node.prev
    return node


cdef bint _is_paragraph(tree.xmlNode* node, Py_ssize_t least) except -1:
    """chrome._is_paragraph: a <p> (node may be NULL) with prose of its own."""
    return node is not NULL and _named(node, b"p") and _prose_chars(node, least) >= least


cdef bint _embeds_quoted_post(tree.xmlNode* top, Py_ssize_t least, search) except -1:
    """chrome._embeds_quoted_post: a paragraph of prose beside el, and a blockquote in el (or el)
    whose lower-cased class search() finds."""
    cdef tree.xmlNode* node = top
    if not (
        _is_paragraph(_sibling(top, False), least) or _is_paragraph(_sibling(top, True), least)
    ):
        return False
    while node is not NULL:
        if node.type == tree.XML_ELEMENT_NODE:
            if _named(node, b"blockquote"):
                value = _attr_get(node, b"class")
                if search(value.lower() if value else "") is not None:
                    return True
            if node.children is not NULL:
                node = node.children
                continue
        if node is top:
            break
        node = _following(node, top)
    return False


cdef Py_ssize_t _slug_words(str ident):
    """How many words chrome._SLUG_SPLIT leaves of an ASCII id: runs of ASCII letters and
    digits (the underscore splits too)."""
    cdef Py_UCS4 ch
    cdef Py_ssize_t words = 0
    cdef bint in_word = False
    for ch in ident:
        if (ch >= 48 and ch <= 57) or (ch >= 65 and ch <= 90) or (ch >= 97 and ch <= 122):
            if not in_word:
                words += 1
                in_word = True
        else:
            in_word = False
    return words


cdef bint _heading_first(tree.xmlNode* node) noexcept:
    """Whether one of el[:3] (lxml's children: elements, comments, PIs, entities) is an element
    whose .tag is h1..h6: chrome._is_heading_section's heading."""
    cdef tree.xmlNode* child = node.children
    cdef const char* name
    cdef int seen = 0
    while child is not NULL and seen < 3:
        if _isElement(child):
            seen += 1
            if child.type == tree.XML_ELEMENT_NODE and _getNs(child) is NULL:
                name = <const char*>child.name
                if name[0] == 104 and name[1] >= 49 and name[1] <= 54 and name[2] == 0:  # h1..h6
                    return True
        child = child.next
    return False


cdef bint _word_in_texts(tree.xmlNode* node) except -1:
    """Whether chrome._WORD (re's \\w: Py_UNICODE_ISALNUM or "_") finds a character in the text
    lxml reads from node on (.text from the first child, .tail from the next sibling): the text
    and CDATA nodes in a row, XInclude markers stepped over."""
    cdef const unsigned char* p
    cdef Py_UCS4 ch
    while node is not NULL:
        if node.type == tree.XML_TEXT_NODE or node.type == tree.XML_CDATA_SECTION_NODE:
            if node.content is not NULL:
                p = <const unsigned char*>node.content
                while p[0]:
                    if p[0] >= 0x80:
                        for ch in (<const char*>p).decode("utf-8", "replace"):
                            if ch == 95 or Py_UNICODE_ISALNUM(ch):
                                return True
                        break
                    if (
                        p[0] == 95
                        or (p[0] >= 48 and p[0] <= 57)
                        or ((p[0] | 0x20) >= 97 and (p[0] | 0x20) <= 122)
                    ):
                        return True
                    p += 1
        elif node.type != tree.XML_XINCLUDE_START and node.type != tree.XML_XINCLUDE_END:
            break
        node = node.next
    return False


cdef bint _in_running_text(tree.xmlNode* node) except -1:
    """chrome._in_running_text past its tag test: words in el's tail, and in the text before
    el (the previous sibling's tail, else the parent's text)."""
    cdef tree.xmlNode* prev
    cdef tree.xmlNode* parent
    if not _word_in_texts(node.next):
        return False
    prev = _sibling(node, False)
    if prev is not NULL:
        return _word_in_texts(prev.next)
    parent = _parent_element(node)
    return parent is not NULL and _word_in_texts(parent.children)


cdef bint _spared(
    _Element el,
    bint weak,
    set shelters,
    heading_section,
    Py_ssize_t slug_min_words,
    frozenset inline_tags,
    frozenset inline_prose_tags,
    Py_ssize_t least,
    Py_ssize_t inline_floor,
    embedded_search,
) except -1:
    cdef tree.xmlNode* node = el._c_node
    if node.type == tree.XML_ELEMENT_NODE:
        ident = _attr_get(node, b"id")
        if ident and (not ident.isascii() or _slug_words(ident) >= slug_min_words):
            if _heading_first(node) and heading_section(el):
                return True
        if _getNs(node) is NULL:
            if (<const char*>node.name).decode("utf-8", "replace") in inline_tags:
                if _in_running_text(node):
                    return True
    if not weak:
        return False
    if el in shelters:
        return True
    return _holds_inline_prose(node, inline_prose_tags, least, inline_floor) or (
        _embeds_quoted_post(node, least, embedded_search)
    )


def doomed_by_name(
    list by_name,
    _Element root,
    set marks,
    set shelters,
    double story_floor,
    long weak_strength,
    heading_section,
    Py_ssize_t slug_min_words,
    frozenset inline_tags,
    frozenset inline_prose_tags,
    Py_ssize_t least,
    Py_ssize_t inline_floor,
    embedded_search,
):
    """chrome._doomed: the chrome-named elements of by_name ((element, strength) pairs) that go,
    by _spared, _placed and prose_chars, in one call (a Python call per element for each of
    those was most of what drop_chrome spent on them)."""
    cdef list doomed = []
    cdef set doomed_set = set()
    cdef bint weak
    cdef bint inside
    cdef _Element el
    cdef tree.xmlNode* c_root = root._c_node
    for pair in by_name:
        el = pair[0]
        weak = pair[1] == weak_strength
        if _spared(
            el,
            weak,
            shelters,
            heading_section,
            slug_min_words,
            inline_tags,
            inline_prose_tags,
            least,
            inline_floor,
            embedded_search,
        ):
            continue
        if weak and story_floor > 0:
            if not _placed(el._c_node, c_root, marks, doomed_set, &inside):
                continue  # it goes with a doomed ancestor, or is no longer in the tree
            if (inside or not marks) and _prose_chars(el._c_node, least) >= story_floor:
                continue
        doomed.append(el)
        doomed_set.add(el)
    return doomed


cdef inline bint _xml_compatible(str text):
    """Whether text holds none of chrome._XML_INCOMPATIBLE's characters: C0 controls but tab,
    newline and carriage return, U+FFFE and U+FFFF."""
    cdef Py_UCS4 ch
    for ch in text:
        if ch < 0x20:
            if ch != 9 and ch != 10 and ch != 13:
                return False
        elif ch == 0xFFFE or ch == 0xFFFF:
            return False
    return True


def remove_keep_tails(list els, sub):
    """chrome._remove_keep_tail for each element of els, in order, through lxml's own API (only
    the reading of parents and siblings is done on the nodes); sub is chrome._XML_INCOMPATIBLE's
    sub, called only on a text that holds one of its characters."""
    cdef _Element el
    cdef tree.xmlNode* c_parent
    cdef tree.xmlNode* c_prev
    for item in els:
        el = item
        c_parent = _parent_element(el._c_node)
        if c_parent is NULL:
            continue
        parent = elementFactory(el._doc, c_parent)
        tail = el.tail
        if tail:
            if not _xml_compatible(tail):
                tail = sub("", tail)
            c_prev = _sibling(el._c_node, False)
            if c_prev is not NULL:
                prev = elementFactory(el._doc, c_prev)
                before = prev.tail or ""
                if not _xml_compatible(before):
                    before = sub("", before)
                prev.tail = before + tail
            else:
                before = parent.text or ""
                if not _xml_compatible(before):
                    before = sub("", before)
                parent.text = before + tail
        parent.remove(el)
    return None


cdef inline tree.xmlNode* _parent_element(tree.xmlNode* node) noexcept nogil:
    """getparent(): the parent while it is an element (None at the root)."""
    node = node.parent
    return node if node is not NULL and _isElement(node) else NULL


cdef void _naming_attrs(tree.xmlNode* node, tree.xmlAttr** found) noexcept:
    """found[0], [1], [2]: the class, id and role attributes el.get() reads (the first of each
    name outside any namespace), NULL where there is none."""
    cdef tree.xmlAttr* attr = node.properties
    cdef const char* name
    cdef int k
    found[0] = found[1] = found[2] = NULL
    while attr is not NULL:
        if attr.ns is NULL:
            name = <const char*>attr.name
            if strcmp(name, b"class") == 0:
                k = 0
            elif strcmp(name, b"id") == 0:
                k = 1
            elif strcmp(name, b"role") == 0:
                k = 2
            else:
                k = -1
            if k >= 0 and found[k] is NULL:
                found[k] = attr
        attr = attr.next


cdef str _attr_words(tree.xmlNode* node):
    """dom.attr_words: class, id and role, lower-cased and space-joined."""
    cdef tree.xmlAttr* found[3]
    cdef int k
    if node.type != tree.XML_ELEMENT_NODE:
        return ""
    _naming_attrs(node, found)
    if found[0] is NULL and found[1] is NULL and found[2] is NULL:
        return ""
    values = [_attr_value(found[k]) for k in range(3) if found[k] is not NULL]
    return " ".join([v for v in values if v]).lower()


cdef bint _within_named(
    tree.xmlNode* node, names, dict named, int levels, stop
) except -1:
    """scoring._within_named from node. named memoizes by node address (the tree does not
    change while one memo is in use) and, names being a function of the class/id/role words,
    by the words too: a page's wrappers repeat them ("row", "")."""
    cdef int i
    for i in range(levels):
        if node is NULL:
            return False
        if stop and node._private is not NULL and <object>node._private in stop:
            return False
        key = <size_t>node
        hit = named.get(key)
        if hit is None:
            words = _attr_words(node)
            hit = named.get(words)
            if hit is None:
                hit = named[words] = bool(names(words))
            named[key] = hit
        if hit:
            return True
        node = _parent_element(node)
    return False


def within_named_each(list els, names, int levels, set stop):
    """scoring._within_named(el, names, memo, levels, stop) for each element of els (None
    gives False), one memo for all: scoring.without_side_boxes' walks up."""
    cdef dict named = {}
    cdef list out = []
    for el in els:
        out.append(
            el is not None and _within_named((<_Element>el)._c_node, names, named, levels, stop)
        )
    return out


cdef struct _Sums:
    # The elements reached, in the order first reached, with their sums; an open-addressing
    # table of their addresses (slots hold index + 1, 0 for empty) finds each one again.
    tree.xmlNode** nodes
    double* local
    double* total
    signed char* side  # whether the element is named as a side box (-1: not asked yet)
    signed char* aside  # ... as an aside
    Py_ssize_t count
    Py_ssize_t room
    Py_ssize_t* slots
    size_t mask


cdef inline size_t _slot_of(tree.xmlNode* node, size_t mask) noexcept nogil:
    return ((<size_t>node >> 4) * <size_t>0x9E3779B97F4A7C15) >> 20 & mask


cdef int _sums_grow(_Sums* sums) except -1:
    """Twice the room, the table rebuilt."""
    cdef Py_ssize_t room = sums.room * 2 if sums.room else 64
    cdef size_t mask = <size_t>(room * 2 - 1)
    cdef Py_ssize_t k
    cdef size_t s
    nodes = <tree.xmlNode**>PyMem_Realloc(sums.nodes, room * sizeof(tree.xmlNode*))
    if nodes is NULL:
        raise MemoryError()
    sums.nodes = nodes
    local = <double*>PyMem_Realloc(sums.local, room * sizeof(double))
    if local is NULL:
        raise MemoryError()
    sums.local = local
    total = <double*>PyMem_Realloc(sums.total, room * sizeof(double))
    if total is NULL:
        raise MemoryError()
    sums.total = total
    side = <signed char*>PyMem_Realloc(sums.side, room)
    if side is NULL:
        raise MemoryError()
    sums.side = side
    aside = <signed char*>PyMem_Realloc(sums.aside, room)
    if aside is NULL:
        raise MemoryError()
    sums.aside = aside
    slots = <Py_ssize_t*>PyMem_Calloc(mask + 1, sizeof(Py_ssize_t))
    if slots is NULL:
        raise MemoryError()
    PyMem_Free(sums.slots)
    sums.slots = slots
    sums.mask = mask
    sums.room = room
    for k in range(sums.count):
        s = _slot_of(sums.nodes[k], mask)
        while slots[s]:
            s = (s + 1) & mask
        slots[s] = k + 1
    return 0


cdef Py_ssize_t _sums_at(_Sums* sums, tree.xmlNode* node) except -1:
    """The index of node's sums, a new one (at 0.0) the first time."""
    cdef size_t s = _slot_of(node, sums.mask)
    cdef Py_ssize_t k
    while sums.slots[s]:
        k = sums.slots[s] - 1
        if sums.nodes[k] is node:
            return k
        s = (s + 1) & sums.mask
    if sums.count == sums.room:
        _sums_grow(sums)
        s = _slot_of(node, sums.mask)
        while sums.slots[s]:
            s = (s + 1) & sums.mask
    k = sums.count
    sums.count += 1
    sums.nodes[k] = node
    sums.local[k] = 0.0
    sums.total[k] = 0.0
    sums.side[k] = -1
    sums.aside[k] = -1
    sums.slots[s] = k + 1
    return k


cdef bint _sums_named(
    _Sums* sums, tree.xmlNode* node, bint side, names, dict by_words, int levels
) except -1:
    """_within_named (no stop set) with the verdicts kept in the sums' table: the elements
    looked at are the block's first ancestors, which its walk up reaches next in the same
    order, so entering them here leaves the order first reached as it was."""
    cdef Py_ssize_t k
    cdef int i
    cdef signed char* verdicts
    for i in range(levels):
        if node is NULL:
            return False
        k = _sums_at(sums, node)
        verdicts = sums.side if side else sums.aside
        if verdicts[k] < 0:
            words = _attr_words(node)
            hit = by_words.get(words)
            if hit is None:
                hit = by_words[words] = bool(names(words))
            verdicts[k] = 1 if hit else 0
        if verdicts[k]:
            return True
        node = _parent_element(node)
    return False


def add_up(
    list els,
    list weights,
    tuple decay,
    dict local,
    dict total,
    side_names,
    int side_levels,
    side_share,
    aside_names,
    int aside_levels,
    aside_share,
):
    """scoring._add_up: each block's weight, shared down if it sits in a side box or an aside,
    added to its element and the ancestors (local fading with branching distance); local and
    total start empty, and the elements are of one document.

    The blocks of a page share most of their ancestors (some 500 steps up reach 50 elements):
    the sums are kept by node address and each element gets its proxy and its two dict entries
    once, at the end, in the order first reached. Each sum is still the pure path's, addition for
    addition in the same order, on the same doubles a Python float holds.
    """
    if local or total or not decay:
        raise ValueError("add_up fills empty dicts, with a decay to fade by")
    cdef tree.xmlNode* node
    cdef Py_ssize_t i
    cdef Py_ssize_t k
    cdef Py_ssize_t d
    cdef Py_ssize_t last = len(decay) - 1
    cdef double w
    cdef double* fades = NULL
    cdef _Sums sums
    cdef dict side_named = {}
    cdef dict aside_named = {}
    cdef _Element el
    cdef _Element any_el = None
    sums.nodes = NULL
    sums.local = NULL
    sums.total = NULL
    sums.side = NULL
    sums.aside = NULL
    sums.slots = NULL
    sums.count = 0
    sums.room = 0
    try:
        fades = <double*>PyMem_Malloc((last + 1) * sizeof(double))
        if fades is NULL:
            raise MemoryError()
        for d in range(last + 1):
            fades[d] = decay[d]
        _sums_grow(&sums)
        for i in range(len(els)):
            w = weights[i]
            if w == 0.0:
                continue
            el = els[i]
            if el is None:
                continue  # nothing to add it to
            if any_el is None:
                any_el = el
            elif el._doc is not any_el._doc:
                raise ValueError("add_up takes the blocks of one page")
            node = el._c_node
            if w > 0 and _sums_named(&sums, node, True, side_names, side_named, side_levels):
                w *= <double>side_share
            if w > 0 and _sums_named(&sums, node, False, aside_names, aside_named, aside_levels):
                w *= <double>aside_share
            d = 0
            while node is not NULL:
                k = _sums_at(&sums, node)
                sums.local[k] += w * fades[d if d < last else last]
                sums.total[k] += w
                # A single-child wrapper is the same box as its child: no step of decay.
                if _sibling(node, False) is not NULL or _sibling(node, True) is not NULL:
                    d += 1
                node = _parent_element(node)
        if any_el is not None:
            doc = any_el._doc
            for k in range(sums.count):
                key = elementFactory(doc, sums.nodes[k])
                local[key] = sums.local[k]
                total[key] = sums.total[k]
    finally:
        PyMem_Free(fades)
        PyMem_Free(sums.nodes)
        PyMem_Free(sums.local)
        PyMem_Free(sums.total)
        PyMem_Free(sums.side)
        PyMem_Free(sums.aside)
        PyMem_Free(sums.slots)
    return None


cdef extern from "Python.h":
    bint PyUnicode_IS_ASCII(str text)  # what str.isascii() returns


def count_in_ranges(str text, tuple ranges):
    """len(re.findall(rules.WIDE_CHARS, text)) for scoring.weight: how many code points of
    text lie in one of the (first, last) ranges (rules.WIDE_CHAR_RANGES)."""
    return _count_in_ranges(text, ranges)


cdef Py_ssize_t _count_in_ranges(str text, tuple ranges) except -1:
    """count_in_ranges. A text of one-byte code points (Latin-1: most non-ASCII text of
    European pages) is settled by its kind when the ranges all lie above."""
    cdef Py_ssize_t n = len(text)
    cdef Py_ssize_t i
    cdef Py_ssize_t count = 0
    cdef int kind = PyUnicode_KIND(text)
    cdef void* data = PyUnicode_DATA(text)
    cdef Py_UCS4 ch
    cdef Py_UCS4 firsts[8]
    cdef Py_UCS4 lasts[8]
    cdef int r
    cdef int nr = len(ranges)
    cdef Py_UCS4 lowest = 0x110000
    if nr > 8:
        raise ValueError("count_in_ranges takes at most 8 ranges")
    for r in range(nr):
        firsts[r], lasts[r] = ranges[r]
        lowest = min(lowest, firsts[r])
    if kind == PyUnicode_1BYTE_KIND and lowest > 0xFF:
        return 0
    for i in range(n):
        ch = PyUnicode_READ(kind, data, i)
        if ch < lowest:
            continue
        for r in range(nr):
            if firsts[r] <= ch <= lasts[r]:
                count += 1
                break
    return count


cdef class ProseWeights:
    """scoring.weight for each of a list of candidates: the same floats (the same doubles,
    operation for operation: ints, all far below 2 ** 53, convert exactly, and int / int
    divides as their doubles do), without a Python call and a property for each block."""

    cdef double link_density_max, link_penalty, short_penalty, wide_extra
    cdef Py_ssize_t prose_min_chars, short_prose_min_chars
    cdef tuple wide_ranges
    cdef object sentence_end_search

    def __init__(
        self,
        *,
        double link_density_max,
        double link_penalty,
        double short_penalty,
        Py_ssize_t prose_min_chars,
        Py_ssize_t short_prose_min_chars,
        double wide_extra,
        tuple wide_ranges,
        sentence_end_search,
    ):
        self.link_density_max = link_density_max
        self.link_penalty = link_penalty
        self.short_penalty = short_penalty
        self.prose_min_chars = prose_min_chars
        self.short_prose_min_chars = short_prose_min_chars
        self.wide_extra = wide_extra
        self.wide_ranges = wide_ranges
        self.sentence_end_search = sentence_end_search

    def __call__(self, list candidates):
        return [self.weight(c) for c in candidates]

    cdef double weight(self, c) except? -1:
        block = c.block
        kind = block.kind
        if kind == "figure" or kind == "heading":
            return 0.0
        cdef str text = block.text
        cdef Py_ssize_t n = c.chars
        cdef Py_ssize_t link_chars = c.link_chars
        cdef double chars = <double>n
        cdef double density = <double>link_chars / <double>n if n else 0.0  # c.link_density
        if not PyUnicode_IS_ASCII(text):  # text.isascii()
            chars += self.wide_extra * <double>_count_in_ranges(text, self.wide_ranges)
        if density > self.link_density_max:
            return -self.link_penalty * chars
        if kind == "list":
            if chars > 200:
                return chars * (1 - density) * 0.5
            return -self.short_penalty * (1 + density)
        if chars >= self.prose_min_chars or (
            chars >= self.short_prose_min_chars and self.sentence_end_search(text) is not None
        ):
            return chars * (1 - density)
        return -self.short_penalty


# -- Metadata and bylines: metadata._scan's walk, byline._candidates' walk -------------------------
# Both look at a few kinds of element (<meta>, <link>, <script>; author-like classes) among
# thousands: in C the others cost a pointer hop instead of a proxy and a Python call per attribute.


cdef inline bint _is(const char* name, const char* wanted):
    """strcmp(name, wanted) == 0, the first byte compared inline: most names differ there."""
    return name[0] == wanted[0] and strcmp(name, wanted) == 0


cdef str _leading_text(tree.xmlNode* node):
    """el.text or "": the text and CDATA children before the first other child, joined."""
    cdef tree.xmlNode* child = node.children
    parts = []
    while child is not NULL:
        if child.type == tree.XML_TEXT_NODE or child.type == tree.XML_CDATA_SECTION_NODE:
            if child.content is not NULL:
                parts.append((<const char*>child.content).decode("utf-8", "replace"))
        elif child.type != tree.XML_XINCLUDE_START and child.type != tree.XML_XINCLUDE_END:
            break  # lxml steps over XInclude markers only
        child = child.next
    return "".join(parts)


cdef inline bint _element_like(tree.xmlNode* node):
    """What lxml's getparent() gives an object for (a document node ends the walk up)."""
    return (
        node.type == tree.XML_ELEMENT_NODE
        or node.type == tree.XML_COMMENT_NODE
        or node.type == tree.XML_ENTITY_REF_NODE
        or node.type == tree.XML_PI_NODE
    )


cdef bint _in_head(tree.xmlNode* node):
    """metadata._in_head: an ancestor's .tag is "head"."""
    cdef tree.xmlNode* parent = node.parent
    while parent is not NULL and _element_like(parent):
        if parent.type == tree.XML_ELEMENT_NODE and _named(parent, b"head"):
            return True
        parent = parent.parent
    return False


cdef inline tree.xmlNode* _next_element(tree.xmlNode* node, tree.xmlNode* top):
    """The node after ``node`` in document order within ``top``, entering elements only."""
    cdef tree.xmlNode* nxt
    if node.type == tree.XML_ELEMENT_NODE and node.children is not NULL:
        return node.children
    while node is not NULL:
        if node is top:
            return NULL
        nxt = node.next
        if nxt is not NULL:
            return nxt
        node = node.parent
    return NULL


def scan_metadata(
    _Element root,
    tuple metas,
    list json_ld,
    list canonical,
    list times,
    list headlines,
    int max_meta,
    int max_times,
    int max_headlines,
    str recipe_type,
    list anchored,
):
    """metadata._scan's walk: fills the lists as its Python twin does and returns
    (base, title, body, elements, recipe_typed): elements counts the element nodes (XPath's
    count(//*) on a tree with one top element), recipe_typed says whether an element's
    itemtype holds recipe_type. anchored gets the headings (h1 to h6) that have an id.

    Of the first max_meta + 1 <meta>s, those with a content add (keys, content) to metas[i]
    for each of property, name, itemprop and http-equiv (i = 0..3) they have; times get
    (datetime, itemprop, has pubdate, class).
    """
    cdef tree.xmlNode* top = root._c_node
    cdef tree.xmlNode* node = top
    cdef tree.xmlNode* title = NULL
    cdef tree.xmlNode* body = NULL
    cdef tree.xmlAttr* attr
    cdef tree.xmlAttr* found[5]
    cdef const char* name
    cdef const char* aname
    cdef bint title_in_head = False
    cdef bint recipe_typed = False
    cdef Py_ssize_t seen_metas = 0
    cdef Py_ssize_t elements = 0
    cdef int i
    doc = root._doc
    base = None
    while node is not NULL:
        if node.type == tree.XML_ELEMENT_NODE:
            elements += 1
            if not recipe_typed:
                attr = node.properties
                while attr is not NULL:
                    if attr.ns is NULL and _is(<const char*>attr.name, b"itemtype"):
                        recipe_typed = recipe_type in _attr_value(attr)
                        break
                    attr = attr.next
        if node.type == tree.XML_ELEMENT_NODE and node.ns is NULL:
            name = <const char*>node.name
            if _is(name, b"meta"):
                if seen_metas <= max_meta:
                    # One pass over the attributes; the first of each name wins, as el.get's.
                    for i in range(5):
                        found[i] = NULL
                    attr = node.properties
                    while attr is not NULL:
                        if attr.ns is NULL:
                            aname = <const char*>attr.name
                            if _is(aname, b"content"):
                                i = 0
                            elif _is(aname, b"property"):
                                i = 1
                            elif _is(aname, b"name"):
                                i = 2
                            elif _is(aname, b"itemprop"):
                                i = 3
                            elif _is(aname, b"http-equiv"):
                                i = 4
                            else:
                                i = -1
                            if i >= 0 and found[i] is NULL:
                                found[i] = attr
                        attr = attr.next
                    if found[0] is not NULL:
                        content = _attr_value(found[0])
                        if content:
                            for i in range(1, 5):
                                if found[i] is not NULL:
                                    keys = _attr_value(found[i])
                                    if keys:
                                        metas[i - 1].append((keys, content))
                seen_metas += 1
            elif _is(name, b"script"):
                kind = _attr_get(node, b"type")
                if kind and kind.strip().lower() == "application/ld+json":
                    json_ld.append(_leading_text(node))
            elif _is(name, b"link"):
                rel = _attr_get(node, b"rel")
                if rel and "canonical" in rel.lower().split():
                    canonical.append(_attr_get(node, b"href") or "")
            elif _is(name, b"time"):
                if len(times) < max_times:
                    stamp = _attr_get(node, b"datetime")
                    if stamp:
                        times.append(
                            (
                                stamp,
                                _attr_get(node, b"itemprop") or "",
                                _attr_get(node, b"pubdate") is not None,
                                _attr_get(node, b"class") or "",
                            )
                        )
            elif _is(name, b"h1"):
                if len(headlines) < max_headlines:
                    headlines.append(elementFactory(doc, node))
                if _has_attr(node, b"id"):
                    anchored.append(elementFactory(doc, node))
            elif (
                name[0] == c"h"
                and name[1] >= c"2"
                and name[1] <= c"6"
                and name[2] == 0
                and _has_attr(node, b"id")
            ):
                anchored.append(elementFactory(doc, node))
            elif _is(name, b"title"):
                if title is NULL:
                    title = node
                    title_in_head = _in_head(node)
                elif not title_in_head and _in_head(node):
                    title = node
                    title_in_head = True
            elif _is(name, b"base"):
                if base is None:
                    base = _attr_get(node, b"href") or None
            elif _is(name, b"body"):
                if body is NULL:
                    body = node
        node = _next_element(node, top)
    return (
        base,
        None if title is NULL else elementFactory(doc, title),
        None if body is NULL else elementFactory(doc, body),
        elements,
        recipe_typed,
    )


cdef bint _author_like(const unsigned char* p, bint whole):
    """"uthor" is in the text; with ``whole``, so is one of _MAYBE_AUTHOR's other strings
    ("utor", "yline", "riter", "uteur"). One pass over the bytes: a byte search in UTF-8
    finds an ASCII string exactly where str's search does."""
    while p[0]:
        if p[0] == b"u" and p[1] == b"t":
            if p[2] == b"h" and p[3] == b"o" and p[4] == b"r":
                return True
            if whole and (
                (p[2] == b"o" and p[3] == b"r")
                or (p[2] == b"e" and p[3] == b"u" and p[4] == b"r")
            ):
                return True
        elif whole and p[0] == b"y":
            if p[1] == b"l" and p[2] == b"i" and p[3] == b"n" and p[4] == b"e":
                return True
        elif whole and p[0] == b"r":
            if p[1] == b"i" and p[2] == b"t" and p[3] == b"e" and p[4] == b"r":
                return True
        p += 1
    return False


cdef bint _value_author_like(tree.xmlAttr* attr, bint whole):
    """_author_like on the attribute's value."""
    cdef tree.xmlNode* child = attr.children
    cdef bytes joined
    if child is NULL:
        return False
    if child.next is NULL:
        if child.content is NULL:
            return False
        return _author_like(<const unsigned char*>child.content, whole)
    joined = _attr_value(attr).encode("utf-8")
    return _author_like(<const unsigned char*>joined, whole)


cdef bint _may_claim_author(tree.xmlNode* node):
    """byline._candidates' test: an <h1>, or a class or id _MAYBE_AUTHOR finds something in,
    or a rel or itemprop holding "uthor"."""
    cdef tree.xmlAttr* attr
    cdef const char* aname
    if _named(node, b"h1"):
        return True
    attr = node.properties
    while attr is not NULL:
        if attr.ns is NULL:
            aname = <const char*>attr.name
            if _is(aname, b"class") or _is(aname, b"id"):
                if _value_author_like(attr, True):
                    return True
            elif _is(aname, b"rel") or _is(aname, b"itemprop"):
                if _value_author_like(attr, False):
                    return True
        attr = attr.next
    return False


cdef class AuthorCandidates:
    """byline._candidates' walk, as lazy as its generator: the scope and its descendants that
    may claim an author, and the <h1>s, in document order; a proxy only for those.

    It holds a node of the tree between steps, so the tree must not change while it runs
    (byline._search only reads)."""

    cdef _Element _scope
    cdef tree.xmlNode* _node

    def __cinit__(self, _Element scope):
        self._scope = scope  # keeps the document alive while the walk holds its nodes
        self._node = scope._c_node

    def __iter__(self):
        return self

    def __next__(self):
        cdef tree.xmlNode* top = self._scope._c_node
        cdef tree.xmlNode* node = self._node
        while node is not NULL:
            self._node = _next_element(node, top)
            if node.type == tree.XML_ELEMENT_NODE and _may_claim_author(node):
                return elementFactory(self._scope._doc, node)
            node = self._node
        raise StopIteration


cdef inline str _tag_of(tree.xmlNode* node):
    """dom.tag_of for an element: "" for one in a namespace stands in for its "{uri}name",
    which is no HTML tag name either."""
    return _name(<const char*>node.name) if _getNs(node) is NULL else ""


def claims_byline(
    _Element el, frozenset skip_tags, frozenset page_tags, author_search, comment_search
):
    """byline._search's test of a candidate element: its tag is in neither skip_tags nor
    page_tags, it claims an author (byline._claims_author: rel or itemprop holding "author", or
    author_search finding its attr_words) and it is not inside chrome (byline._skipped: an
    ancestor-or-self of a skip tag, or outside body and html with words comment_search finds)."""
    cdef tree.xmlNode* node = el._c_node
    if node.type != tree.XML_ELEMENT_NODE:
        return False
    tag = _tag_of(node)
    if tag in skip_tags or tag in page_tags:
        return False
    rel = _attr_get(node, b"rel")
    if not (rel and "author" in rel.lower()):
        prop = _attr_get(node, b"itemprop")
        if not (prop and "author" in prop.lower()):
            if author_search(_attr_words(node)) is None:
                return False
    while node is not NULL:
        tag = _tag_of(node)
        if tag in skip_tags:
            return False
        # The comment pattern needs the word itself, which few class/id/role strings hold.
        if tag != "body" and tag != "html" and _words_hold(node, b"comment", "comment"):
            if comment_search(_attr_words(node)) is not None:
                return False
        node = _parent_element(node)
    return True


cdef bint _is_name_part(
    tree.xmlNode* node, frozenset skip_tags, name_search, not_name_search
) except -1:
    """byline._is_name_part: an element (not of skip_tags) whose rel holds "author", whose
    itemprop names a name or an author (not a publisher), or whose class/id/role name_search
    finds and not_name_search does not."""
    if _tag_of(node) in skip_tags:
        return False
    rel = _attr_get(node, b"rel")
    if rel and "author" in rel.lower():
        return True
    prop = _attr_get(node, b"itemprop")
    if prop:
        prop = prop.lower()
        if "publisher" in prop:
            return False
        if "name" in prop or "author" in prop:
            return True
    # name_search's words ("name", "author", "fn" whole) are in few class/id/role strings
    if not (
        _words_hold(node, b"name", "name")
        or _words_hold(node, b"author", "author")
        or _words_hold(node, b"fn", "fn")
    ):
        return False
    words = _attr_words(node)
    return name_search(words) is not None and not_name_search(words) is None


def name_parts(
    _Element el, Py_ssize_t max_elements, frozenset skip_tags, name_search, not_name_search
):
    """byline._names_inside's first loop: the elements among el's first max_elements
    descendants (as el.iterdescendants() counts them: comments and PIs too) that are name
    parts, in document order."""
    cdef tree.xmlNode* top = el._c_node
    cdef tree.xmlNode* node = top.children
    cdef Py_ssize_t seen = 0
    cdef list parts = []
    while node is not NULL:
        if _isElement(node):
            if seen >= max_elements:
                break
            seen += 1
            if node.type == tree.XML_ELEMENT_NODE:
                if _is_name_part(node, skip_tags, name_search, not_name_search):
                    parts.append(elementFactory(el._doc, node))
                if node.children is not NULL:
                    node = node.children
                    continue
        node = _following(node, top)
    return parts


# -- blocks: BlockBuilder.walk and _flatten_inline ---------------------------------------------
#
# build_blocks visits every element under the body; most are containers (div, section) walked
# for their children and inline elements read only for their text. Here both are done on the
# nodes, and a Python object is made only for an element that becomes a block's el or goes back
# to BlockBuilder._block (headings, lists, figures...).

cdef str _BR = "\x00"  # blocks._BR


cdef str _tag(tree.xmlNode* node, bint lower=True):
    """An element's .tag as lxml gives it ("{href}name" in a namespace), lower-cased as
    dom.tag_of does, or not."""
    if node.ns is NULL or node.ns.href is NULL:
        if lower:
            return _name(<const char*>node.name)
        return (<const char*>node.name).decode("utf-8", "replace")
    tag = "{%s}%s" % (
        (<const char*>node.ns.href).decode("utf-8", "replace"),
        (<const char*>node.name).decode("utf-8", "replace"),
    )
    return tag.lower() if lower else tag


cdef inline bint _is_img(tree.xmlNode* node):
    """What el.iter("img") stops at: an element named img in no namespace."""
    return (
        node.type == tree.XML_ELEMENT_NODE
        and strcmp(<const char*>node.name, b"img") == 0
        and (node.ns is NULL or node.ns.href is NULL or node.ns.href[0] == 0)
    )


cdef inline bint _joins_as_text(tree.xmlNode* node):
    """A node whose text lxml joins into .text or .tail (XInclude markers are passed over)."""
    return (
        node.type == tree.XML_TEXT_NODE
        or node.type == tree.XML_CDATA_SECTION_NODE
        or node.type == tree.XML_XINCLUDE_START
        or node.type == tree.XML_XINCLUDE_END
    )


cdef inline bint _is_child(tree.xmlNode* node):
    """A node lxml iterates as a child (and counts in len(el))."""
    return (
        node.type == tree.XML_ELEMENT_NODE
        or node.type == tree.XML_COMMENT_NODE
        or node.type == tree.XML_ENTITY_REF_NODE
        or node.type == tree.XML_PI_NODE
    )


cdef str _text_at(tree.xmlNode** at):
    """The text lxml reads from the text nodes starting at at[0] (an element's .text from its
    first child, a .tail from its next sibling), "" for none; at[0] is moved past them.

    The nodes' bytes are joined before decoding, as lxml's _collectText does.
    """
    cdef tree.xmlNode* node = at[0]
    cdef const char* only = NULL
    cdef bytes joined = None
    while node is not NULL and _joins_as_text(node):
        if (
            (node.type == tree.XML_TEXT_NODE or node.type == tree.XML_CDATA_SECTION_NODE)
            and node.content is not NULL
            and node.content[0] != 0
        ):
            if joined is not None:
                joined += <const char*>node.content
            elif only is NULL:
                only = <const char*>node.content
            else:
                joined = <bytes>only + <bytes>(<const char*>node.content)
        node = node.next
    at[0] = node
    if joined is not None:
        return joined.decode("utf-8", "replace")
    if only is NULL:
        return ""
    return only.decode("utf-8", "replace")


cdef bint _has_element_children(tree.xmlNode* c_el):
    """len(el) != 0."""
    cdef tree.xmlNode* node = c_el.children
    while node is not NULL:
        if _is_child(node):
            return True
        node = node.next
    return False


cdef bint _has_block_descendant(tree.xmlNode* c_el, frozenset structural) except -1:
    """blocks._has_block_descendant: an element below c_el whose .tag is in structural."""
    cdef tree.xmlNode* node = c_el.children
    while node is not NULL:
        if node.type == tree.XML_ELEMENT_NODE:
            if _tag(node, False) in structural:
                return True
            if node.children is not NULL:
                node = node.children
                continue
        while node.next is NULL:
            node = node.parent
            if node is c_el:
                return False
        node = node.next
    return False


cdef Py_ssize_t _flatten(
    tree.xmlNode* c_el, list parts, bint in_link, frozenset drop_tags
) except -1:
    """blocks._flatten_inline's walk: the text of c_el's subtree appended to parts (<br> as
    _BR), in_link already counting c_el itself; returns the link characters added."""
    cdef Py_ssize_t links = 0
    cdef tree.xmlNode* node = c_el.children
    while node is not NULL:
        if _joins_as_text(node):
            text = _text_at(&node)
            if text:
                parts.append(text)
                if in_link:
                    links += len(text.strip())
            continue
        if node.type == tree.XML_ELEMENT_NODE:
            tag = _tag(node)
            if tag == "br":
                parts.append(_BR)
            elif tag and tag not in drop_tags:
                links += _flatten(
                    node, parts, in_link or (tag == "a" and _is_link(node)), drop_tags
                )
        node = node.next
    return links


cdef str _normalized(str text):
    """" ".join(text.split()) (dom.normalize_space), without a str for every word: the
    commonest text of a page, whose words are most of the objects its walk would make.

    str.split() splits at the code points Py_UNICODE_ISSPACE names, as here.
    """
    cdef Py_ssize_t n = len(text)
    cdef Py_ssize_t i
    cdef Py_ssize_t out = 0
    cdef int kind = PyUnicode_KIND(text)
    cdef void* data = PyUnicode_DATA(text)
    cdef void* buf
    cdef Py_UCS4 ch
    cdef bint gap = False
    # Text already normalised (one space between words, none at the ends) is its own result.
    for i in range(n):
        ch = PyUnicode_READ(kind, data, i)
        if Py_UNICODE_ISSPACE(ch):
            if ch != 32 or gap or i == 0 or i == n - 1:
                break
            gap = True
        else:
            gap = False
    else:
        return text
    buf = PyMem_Malloc(n * kind)
    if buf is NULL:
        raise MemoryError()
    try:
        gap = False
        for i in range(n):
            ch = PyUnicode_READ(kind, data, i)
            if Py_UNICODE_ISSPACE(ch):
                gap = out > 0
                continue
            if gap:
                PyUnicode_WRITE(kind, buf, out, 32)
                out += 1
                gap = False
            PyUnicode_WRITE(kind, buf, out, ch)
            out += 1
        return PyUnicode_FromKindAndData(kind, buf, out)
    finally:
        PyMem_Free(buf)


cdef str _run_text(str raw, Py_ssize_t max_chars, run_text):
    """blocks._run_text(raw, max_chars), its commonest case (one line, not too long) here."""
    if len(raw) <= max_chars and _BR not in raw:
        return _normalized(raw)
    return run_text(raw, max_chars)


cdef extern from "Python.h":
    const Py_ssize_t PY_SSIZE_T_MAX


cdef Py_ssize_t _bound(limit) except? -1:
    """A limit given as a Python int, as a C one that compares the same with any length or
    depth (past PY_SSIZE_T_MAX, none is longer or deeper)."""
    return max(-PY_SSIZE_T_MAX, min(limit, PY_SSIZE_T_MAX))


cdef tuple _text_of(tree.xmlNode* c_el, Py_ssize_t max_chars, frozenset drop_tags, run_text):
    """blocks._text_of on a node: (text, link characters)."""
    cdef list parts = []
    in_link = (
        c_el.type == tree.XML_ELEMENT_NODE and _tag(c_el) == "a" and _is_link(c_el)
    )
    links = _flatten(c_el, parts, in_link, drop_tags)
    if not parts:
        return "", 0
    return _run_text("".join(parts), max_chars, run_text), links


def text_of(_Element el, max_chars, frozenset drop_tags, run_text):
    """blocks._text_of: el's inline text as a block's text, and its link characters."""
    return _text_of(el._c_node, _bound(max_chars), drop_tags, run_text)


cdef inline bint _is_li(tree.xmlNode* node):
    return node.type == tree.XML_ELEMENT_NODE and _tag(node) == "li"


cdef list _item_texts(
    tree.xmlNode* c_el,
    Py_ssize_t max_chars,
    frozenset drop_tags,
    frozenset structural,
    run_text,
    Py_ssize_t paragraph_max,
):
    """blocks._list_item_texts on a node."""
    cdef tree.xmlNode* node = c_el.children
    cdef bint found = False
    while node is not NULL:
        if _is_li(node):
            found = True
        node = node.next
    if not found:
        return None
    texts = []
    node = c_el.children
    while node is not NULL:
        if _is_li(node):
            if not _has_block_descendant(node, structural):
                texts.append(_text_of(node, max_chars, drop_tags, run_text))
            else:
                item = _item_paragraphs(node, max_chars, drop_tags, structural, run_text,
                                        paragraph_max)
                if item is None:
                    return None
                texts.append(item)
        node = node.next
    return texts


cdef tuple _item_paragraphs(
    tree.xmlNode* c_el,
    Py_ssize_t max_chars,
    frozenset drop_tags,
    frozenset structural,
    run_text,
    Py_ssize_t paragraph_max,
):
    """blocks._item_paragraphs on a node: (text, link characters), or None."""
    cdef tree.xmlNode* node = c_el.children
    cdef list parts = []
    cdef Py_ssize_t links = 0
    cdef str text
    while node is not NULL:
        if _joins_as_text(node):
            text = _text_at(&node)  # the item's .text or a child's .tail
            if text and not text.isspace():
                return None
            continue
        if node.type == tree.XML_ELEMENT_NODE:
            if _tag(node) != "p" or _has_block_descendant(node, structural):
                return None
            text, p_links = _text_of(node, max_chars, drop_tags, run_text)
            if not text or len(text) > paragraph_max:
                return None
            parts.append(text)
            links += p_links
        node = node.next
    return _run_text(" ".join(parts), max_chars, run_text), links


def list_item_texts(
    _Element el, max_chars, frozenset drop_tags, frozenset structural, run_text, paragraph_max
):
    """blocks._list_item_texts: _text_of each <li> child of el (or blocks._item_paragraphs),
    or None when there is none or one holds a block other than short paragraphs."""
    return _item_texts(
        el._c_node, _bound(max_chars), drop_tags, structural, run_text, _bound(paragraph_max)
    )


cdef extern from "Python.h":
    # object.__new__ is its tp_new: it allocates the instance and sets up its (managed) __dict__
    PyTypeObject PyBaseObject_Type


cdef tuple _NO_ARGS = ()


cdef inline object _new_instance(type cls):
    """object.__new__(cls), the call to tp_new_wrapper (an argument tuple and a check that
    cls may use object's __new__, as a dataclass may) left out."""
    return PyBaseObject_Type.tp_new(cls, <PyObject*>_NO_ARGS, NULL)


cdef class BlockKinds:
    """What the compiled block walk takes from blocks.py, once: its tag sets, its run_text,
    and what it makes blocks of (block_type and candidate_type, the Block and Candidate
    dataclasses; block_fields, a paragraph Block's fields in their order, with their
    defaults)."""

    cdef frozenset drop_tags, block_tags, structural, handled, heading_tags, list_tags
    cdef object run_text
    cdef type block_type, candidate_type
    cdef dict block_fields
    cdef Py_ssize_t item_paragraph_max

    def __init__(
        self,
        *,
        frozenset drop_tags,
        frozenset block_tags,
        frozenset structural,
        frozenset handled,
        frozenset heading_tags,
        frozenset list_tags,
        run_text,
        type block_type,
        dict block_fields,
        type candidate_type,
        item_paragraph_max,
    ):
        self.drop_tags = drop_tags
        self.block_tags = block_tags
        self.structural = structural
        self.handled = handled
        self.heading_tags = heading_tags
        self.list_tags = list_tags
        self.run_text = run_text
        self.block_type = block_type
        self.block_fields = block_fields
        self.candidate_type = candidate_type
        self.item_paragraph_max = _bound(item_paragraph_max)


cdef class _BlockWalk:
    """BlockBuilder.walk's loop, with what it hands back to the builder."""

    cdef BlockKinds kinds
    cdef object doc
    cdef Py_ssize_t max_depth
    cdef Py_ssize_t max_chars
    cdef list out
    cdef object image, block

    cdef object new_block(self, str kind, str text):
        """Block(kind, text=text) as its __init__ makes one: a new instance, each field set
        with object.__setattr__ in the fields' order, as a frozen dataclass's __init__ sets
        them, without the call and its nine arguments. (Not article.paragraph_block's way, a
        __dict__ filled at once: attributes kept in the instance, as __init__ keeps them, read
        faster in every later stage.)"""
        block = _new_instance(self.kinds.block_type)
        for name, value in self.kinds.block_fields.items():
            if name == "kind":
                value = kind
            elif name == "text":
                value = text
            PyObject_GenericSetAttr(block, name, value)
        return block

    cdef int emit(self, block, object el, Py_ssize_t chars, Py_ssize_t links) except -1:
        """BlockBuilder._emit, chars being len(block.plain()): Candidate(block, el, chars,
        link_chars) made as new_block makes a Block."""
        candidate = _new_instance(self.kinds.candidate_type)
        PyObject_GenericSetAttr(candidate, "block", block)
        PyObject_GenericSetAttr(candidate, "el", el)
        PyObject_GenericSetAttr(candidate, "chars", chars)
        PyObject_GenericSetAttr(candidate, "link_chars", links if links < chars else chars)
        self.out.append(candidate)
        return 0

    cdef int emit_text(self, str text, Py_ssize_t links, object el) except -1:
        """BlockBuilder._emit_text for a text that is not empty."""
        return self.emit(self.new_block("paragraph", text), el, len(text), links)

    cdef int walk(self, tree.xmlNode* c_el, object el, Py_ssize_t depth) except -1:
        """The blocks inside the container c_el (el: its Python element, or None till needed)."""
        cdef list parts = []
        cdef Py_ssize_t links = 0
        cdef tree.xmlNode* node = c_el.children
        cdef BlockKinds kinds = self.kinds
        while node is not NULL:
            if _joins_as_text(node):  # the container's text or a child's tail
                text = _text_at(&node)
                if text:
                    parts.append(text)
                continue
            if node.type == tree.XML_ELEMENT_NODE:
                tag = _tag(node)
                if not tag or tag in kinds.drop_tags:
                    pass
                elif tag == "br":
                    parts.append(_BR)
                elif tag == "img":
                    if el is None:
                        el = elementFactory(self.doc, c_el)
                    if parts:
                        self.flush(parts, links, el)
                        links = 0
                    self.image(elementFactory(self.doc, node), el)
                elif tag in kinds.block_tags or _has_block_descendant(node, kinds.structural):
                    if parts:
                        if el is None:
                            el = elementFactory(self.doc, c_el)
                        self.flush(parts, links, el)
                        links = 0
                    self.child_block(node, tag, depth + 1)
                else:
                    links += _flatten(
                        node, parts, tag == "a" and _is_link(node), kinds.drop_tags
                    )
            node = node.next
        if parts:
            if el is None:
                el = elementFactory(self.doc, c_el)
            self.flush(parts, links, el)
        return 0

    cdef int flush(self, list parts, Py_ssize_t links, object el) except -1:
        """BlockBuilder._flush: the inline text gathered so far as a paragraph of el."""
        raw = "".join(parts) if len(parts) > 1 else parts[0]
        parts.clear()
        if not raw.isspace():  # a blank run gives no text (and counts no link characters)
            text = _run_text(raw, self.max_chars, self.kinds.run_text)
            if text:
                self.emit_text(text, links, el)
        return 0

    cdef int child_block(self, tree.xmlNode* node, str tag, Py_ssize_t depth) except -1:
        """BlockBuilder._block for a block child: paragraphs, headings, lists and plain
        containers (every tag not in handled) here, the others handed back to it."""
        if depth > self.max_depth:
            return 0
        if tag == "p":
            return self.paragraph(node, depth)
        if tag not in self.kinds.handled:
            return self.walk(node, None, depth)
        if tag in self.kinds.heading_tags:
            return self.heading(node, tag)
        if tag in self.kinds.list_tags:
            return self.list_block(node, tag, depth)
        if tag == "hr":
            return 0
        self.block(elementFactory(self.doc, node), tag, depth)
        return 0

    cdef int heading(self, tree.xmlNode* node, str tag) except -1:
        """BlockBuilder._block for a heading (depth checked)."""
        cdef BlockKinds kinds = self.kinds
        text, links = _text_of(node, self.max_chars, kinds.drop_tags, kinds.run_text)
        if text:
            text = text.replace("\n", " ")
            block = self.new_block("heading", text)
            PyObject_GenericSetAttr(block, "level", max(2, int(tag[1])))
            self.emit(block, elementFactory(self.doc, node), len(text), links)
        return 0

    cdef int list_block(self, tree.xmlNode* node, str tag, Py_ssize_t depth) except -1:
        """BlockBuilder._list (depth checked)."""
        cdef BlockKinds kinds = self.kinds
        cdef tree.xmlNode* child
        cdef Py_ssize_t links = 0
        items = _item_texts(
            node,
            self.max_chars,
            kinds.drop_tags,
            kinds.structural,
            kinds.run_text,
            kinds.item_paragraph_max,
        )
        if items is None:
            # each child walked as a container (BlockBuilder.walk checks the depth)
            if depth + 1 > self.max_depth:
                return 0
            child = node.children
            while child is not NULL:
                if child.type == tree.XML_ELEMENT_NODE:  # tag_of gives "" for the others
                    ctag = _tag(child)
                    if ctag and ctag not in kinds.drop_tags:
                        self.walk(child, None, depth + 1)
                child = child.next
            return 0
        texts = []
        for text, li_links in items:
            if text:
                texts.append(text.replace("\n", " "))
                links += li_links
        if texts:
            block = self.new_block("list", "")
            PyObject_GenericSetAttr(block, "items", tuple(texts))
            PyObject_GenericSetAttr(block, "ordered", tag == "ol")
            chars = len("\n".join(texts))  # a list's plain()
            self.emit(block, elementFactory(self.doc, node), chars, links)
        return 0

    cdef int paragraph(self, tree.xmlNode* node, Py_ssize_t depth) except -1:
        """BlockBuilder._paragraph (depth checked)."""
        cdef tree.xmlNode* child
        cdef BlockKinds kinds = self.kinds
        if not _has_element_children(node):  # BlockBuilder._leaf_paragraph
            child = node.children
            raw = _text_at(&child)
            if raw and _BR not in raw and len(raw) <= self.max_chars:
                text = _normalized(raw)
                if text:
                    self.emit_text(text, 0, elementFactory(self.doc, node))
                return 0
        elif _has_block_descendant(node, kinds.structural):
            return self.walk(node, None, depth)
        text, links = _text_of(node, self.max_chars, kinds.drop_tags, kinds.run_text)
        if text:
            self.emit_text(text, links, elementFactory(self.doc, node))
            return 0
        # el.iter("img") below a paragraph with no text
        el = None
        child = node.children
        while child is not NULL and child is not node:
            if child.type == tree.XML_ELEMENT_NODE:
                if _is_img(child):
                    if el is None:
                        el = elementFactory(self.doc, node)
                    self.image(elementFactory(self.doc, child), el)
                if child.children is not NULL:
                    child = child.children
                    continue
            while child.next is NULL and child is not node:
                child = child.parent
            if child is not node:
                child = child.next
        return 0


def walk_blocks(
    _Element el, depth, max_depth, max_chars, BlockKinds kinds, list out, image, block
):
    """BlockBuilder.walk (el at depth, already checked against max_depth): its paragraphs,
    headings and lists appended to out as it would append them, its builder's image(img, el)
    and block(el, tag, depth) called for the other blocks, all in document order."""
    cdef _BlockWalk walker = _BlockWalk.__new__(_BlockWalk)
    walker.kinds = kinds
    walker.doc = el._doc
    walker.max_depth = _bound(max_depth)
    walker.max_chars = _bound(max_chars)
    walker.out = out
    walker.image = image
    walker.block = block
    walker.walk(el._c_node, el, _bound(depth))
    return None


# -- Parsing bounds: dom._cut_at_tags and dom._trim_attributes' test, in one pass ---------------
# Both scan the whole page before libxml2 does (a bytes.count and a regex each, ~0.1 ms on a
# 170 KB page); here memchr jumps from "<" to "<" and only tags are looked into.

from libc.string cimport memchr


cdef inline bint _ascii_letter(unsigned char c) noexcept nogil:
    return (65 <= c <= 90) or (97 <= c <= 122)


def markup_bounds(bytes data, Py_ssize_t max_tags, Py_ssize_t long_tag_chars,
                  Py_ssize_t max_attributes):
    """(where dom._cut_at_tags cuts the page, or -1; whether the page before that holds a tag
    dom._LONG_TAG matches with more than max_attributes "=").

    A start tag is "<" and an ASCII letter. A long tag is a start tag whose run of characters
    other than "<" and ">" is long_tag_chars or more and ends at ">" (the regex
    <[a-zA-Z][^<>]{N,}> matches exactly those: no shorter run can end at ">").
    """
    cdef const unsigned char* p = <const unsigned char*>data
    cdef Py_ssize_t n = len(data)
    cdef Py_ssize_t i = 0
    cdef Py_ssize_t j, k, equals
    cdef Py_ssize_t tags = 0
    cdef Py_ssize_t cut = -1
    cdef bint trim = False
    cdef const unsigned char* hit
    with nogil:
        while i < n:
            hit = <const unsigned char*>memchr(p + i, 60, n - i)  # "<"
            if hit is NULL:
                break
            i = hit - p
            if i + 1 >= n or not _ascii_letter(p[i + 1]):
                i += 1
                continue
            tags += 1
            if tags >= max_tags:
                cut = i
                break
            j = i + 2
            while j < n and p[j] != 60 and p[j] != 62:
                j += 1
            if j < n and p[j] == 62 and j - (i + 2) >= long_tag_chars and not trim:
                equals = 0
                for k in range(i + 2, j):
                    if p[k] == 61:  # "="
                        equals += 1
                trim = equals > max_attributes
            i = j if j < n and p[j] == 60 else j + 1
    return cut, trim


# -- body.assemble: caption boxes, normalize_space, chrome.is_chrome_text's phrases -------------
# captions.is_loose_caption asks of every short paragraph whether it, its parent or grandparent
# (or else one of its children) is classed as a caption: three attr_words strings and as many
# proxies a paragraph, for a word nearly none of them holds. And each block's text is
# normalised two or three times (it nearly always is already) and searched for chrome phrases.


cdef int _ascii_holds(const unsigned char* s, const unsigned char* word) noexcept nogil:
    """Whether s lower-cased holds word (lower-case ASCII); -1 where s is not all ASCII."""
    cdef Py_ssize_t i = 0
    cdef Py_ssize_t k
    cdef unsigned char c
    while s[i]:
        if s[i] >= 0x80:
            return -1  # unless word came earlier: str.lower() maps ASCII letters one to one
        k = 0
        while word[k]:
            c = s[i + k]
            if c >= 65 and c <= 90:
                c += 32
            if c != word[k]:  # s's NUL ends the comparison too
                break
            k += 1
        if not word[k]:
            return 1
        i += 1
    return 0


cdef bint _words_hold(tree.xmlNode* node, const unsigned char* word, str word_str) except -1:
    """word in dom.attr_words(el), word_str being word (lower-case ASCII, no space) as a str.

    ASCII values are searched as bytes; a value with any other character goes to str.lower()
    (which lowers more than ASCII) and Python's search. No space in word: no match spans the
    join of two values.
    """
    cdef tree.xmlAttr* found[3]
    cdef tree.xmlNode* child
    cdef int k
    cdef int hit
    if node.type != tree.XML_ELEMENT_NODE:
        return False
    _naming_attrs(node, found)
    for k in range(3):
        if found[k] is NULL:
            continue
        child = found[k].children
        if child is NULL:
            continue  # a value-less attribute: "", left out of the join
        if child.next is not NULL:
            return word_str in _attr_words(node)  # a value of several nodes
        if child.content is NULL:
            continue
        hit = _ascii_holds(<const unsigned char*>child.content, word)
        if hit < 0:
            return word_str in _attr_words(node)
        if hit:
            return True
    return False


def named_up(_Element el, int levels, str word):
    """The outermost of el and its ancestors (levels elements in all, el first) whose class,
    id or role holds word (lower-case ASCII, no space) as dom.attr_words gives them; or None.
    captions.is_loose_caption's walk up (and in_caption's)."""
    cdef bytes raw = word.encode("ascii")
    cdef tree.xmlNode* node = el._c_node
    cdef tree.xmlNode* box = NULL
    cdef int i
    for i in range(levels):
        if node is NULL:
            break
        if _words_hold(node, <const unsigned char*>raw, word):
            box = node
        node = _parent_element(node)
    if box is NULL:
        return None
    return elementFactory(el._doc, box)


def named_children(_Element el, str word):
    """The child elements of el whose class, id or role holds word (lower-case ASCII, no
    space), in document order: captions._caption_child's candidates."""
    cdef bytes raw = word.encode("ascii")
    cdef tree.xmlNode* node = el._c_node.children
    cdef list out = []
    while node is not NULL:
        if node.type == tree.XML_ELEMENT_NODE and _words_hold(
            node, <const unsigned char*>raw, word
        ):
            out.append(elementFactory(el._doc, node))
        node = node.next
    return out


def normalize_space(text):
    """dom.normalize_space: " ".join(text.split()), in one pass over the characters (text
    already normalised, the commonest case, comes back as it is)."""
    if type(text) is not str:
        return " ".join(text.split())  # a str subclass (lxml's smart strings): a plain str
    return _normalized(<str>text)


# chrome.is_chrome_text's phrases: re searches an alternation of literals by entering it at every
# position of the text; a bit table of the phrases' first two bytes turns most positions away.

from cpython.unicode cimport PyUnicode_GET_LENGTH
from libc.string cimport memcmp, memset


cdef extern from "Python.h":
    bint PyUnicode_IS_ASCII(object)


cdef class LiteralSet:
    """Whether a text holds one of some ASCII strings: re.compile("|".join(map(re.escape,
    words))).search(text) is not None (chrome._PHRASES_IN_LOWER's search)."""

    cdef bytes blob  # the words, one after the other, grouped by first byte
    cdef Py_ssize_t* starts  # word starts in blob by index
    cdef Py_ssize_t* lengths
    cdef Py_ssize_t first[257]  # the words with first byte b: indexes first[b] to first[b + 1]
    cdef unsigned char pairs[8192]  # bit a * 256 + b: some word starts with bytes a, b
    cdef Py_ssize_t shortest

    def __cinit__(self, words):
        cdef Py_ssize_t i
        cdef int b
        encoded = sorted({w.encode("ascii") for w in words})
        if not encoded or not all(encoded):
            raise ValueError("LiteralSet needs non-empty ASCII words")
        self.blob = b"".join(encoded)
        self.starts = <Py_ssize_t*>PyMem_Malloc(len(encoded) * sizeof(Py_ssize_t))
        self.lengths = <Py_ssize_t*>PyMem_Malloc(len(encoded) * sizeof(Py_ssize_t))
        if self.starts is NULL or self.lengths is NULL:
            raise MemoryError()
        at = 0
        for i, word in enumerate(encoded):
            self.starts[i] = at
            self.lengths[i] = len(word)
            at += len(word)
        self.shortest = min(len(w) for w in encoded)
        if self.shortest < 2:
            raise ValueError("LiteralSet needs words of two characters or more")
        memset(self.pairs, 0, sizeof(self.pairs))
        for word in encoded:
            pair = word[0] * 256 + word[1]
            self.pairs[pair >> 3] |= 1 << (pair & 7)
        # sorted: each first byte's words are consecutive
        i = 0
        for b in range(257):
            while i < len(encoded) and encoded[i][0] < b:
                i += 1
            self.first[b] = i

    def __dealloc__(self):
        PyMem_Free(self.starts)
        PyMem_Free(self.lengths)

    def search(self, str text):
        """Whether text holds one of the words. A word's UTF-8 bytes occur in text's just where
        the word occurs in text: ASCII bytes stand for ASCII characters only."""
        cdef bytes raw
        cdef const unsigned char* data
        cdef const unsigned char* words = <const unsigned char*>self.blob
        cdef Py_ssize_t n
        cdef Py_ssize_t i
        cdef Py_ssize_t j
        cdef Py_ssize_t length
        cdef unsigned int pair
        if PyUnicode_IS_ASCII(text):
            data = <const unsigned char*>PyUnicode_DATA(text)
            n = PyUnicode_GET_LENGTH(text)
        else:
            raw = text.encode("utf-8", "surrogatepass")  # a lone surrogate: non-ASCII bytes
            data = <const unsigned char*>raw
            n = len(raw)
        for i in range(n - self.shortest + 1):
            # most positions start no word: one bit of the table of first two bytes says so
            pair = data[i] * 256 + data[i + 1]
            if not self.pairs[pair >> 3] & (1 << (pair & 7)):
                continue
            for j in range(self.first[data[i]], self.first[data[i] + 1]):
                length = self.lengths[j]
                if length <= n - i and memcmp(data + i, words + self.starts[j], length) == 0:
                    return True
        return False


# -- engine.extract: the chosen blocks and the word count --------------------------------------
# After scoring, the engine asks of every block whether it lies in a chosen container, and
# counts the words of the story: a proxy and a Python call per ancestor, a str per word.


cdef struct _NodeMemo:
    # An answer per node, by address, in an open-addressing table (a dict keyed by addresses
    # would make an int object for each); the tree stays as it is while one is in use.
    const void** keys
    char* answers
    size_t mask
    size_t used


cdef int _memo_init(_NodeMemo* memo, size_t slots) except -1:
    """An empty table of slots slots (a power of two); memo is left as it was on failure."""
    cdef const void** keys = <const void**>PyMem_Malloc(slots * sizeof(void*))
    cdef char* answers = <char*>PyMem_Malloc(slots)
    if keys is NULL or answers is NULL:
        PyMem_Free(keys)
        PyMem_Free(answers)
        raise MemoryError()
    memset(keys, 0, slots * sizeof(void*))
    memo.keys = keys
    memo.answers = answers
    memo.mask = slots - 1
    memo.used = 0
    return 0


cdef inline size_t _memo_slot(_NodeMemo* memo, const void* key) noexcept nogil:
    cdef size_t slot = ((<size_t>key >> 4) * <size_t>0x9E3779B97F4A7C15ULL >> 16) & memo.mask
    while memo.keys[slot] is not NULL and memo.keys[slot] != key:
        slot = (slot + 1) & memo.mask
    return slot


cdef inline int _memo_get(_NodeMemo* memo, const void* key) noexcept nogil:
    """The answer held for key (0 or 1), or -1."""
    cdef size_t slot = _memo_slot(memo, key)
    return -1 if memo.keys[slot] is NULL else memo.answers[slot]


cdef int _memo_put(_NodeMemo* memo, const void* key, char answer) except -1:
    cdef _NodeMemo old
    cdef size_t slot
    cdef size_t i
    if 2 * (memo.used + 1) > memo.mask + 1:  # at most half full: probes stay short
        old = memo[0]
        _memo_init(memo, 2 * (old.mask + 1))
        for i in range(old.mask + 1):
            if old.keys[i] is not NULL:
                slot = _memo_slot(memo, old.keys[i])
                memo.keys[slot] = old.keys[i]
                memo.answers[slot] = old.answers[i]
                memo.used += 1
        PyMem_Free(old.keys)
        PyMem_Free(old.answers)
    slot = _memo_slot(memo, key)
    if memo.keys[slot] is NULL:
        memo.keys[slot] = key
        memo.used += 1
    memo.answers[slot] = answer
    return 0


def indices_within(list candidates, list containers):
    """engine._with_lead_figures' chosen indices: the i for which candidates[i].el is one of
    the containers or inside one (engine._within's answer), memoised by node along each path up
    as _within memoises by element (a page of 60,000 sibling paragraphs walks to the root once)."""
    cdef _NodeMemo memo
    cdef list out = []
    cdef tree.xmlNode* start
    cdef tree.xmlNode* node
    cdef Py_ssize_t i
    cdef int found
    _memo_init(&memo, 64)
    try:  # (a failed growth leaves the old table in memo, freed here)
        for container in containers:
            _memo_put(&memo, (<_Element>container)._c_node, 1)
        for i in range(len(candidates)):
            el = candidates[i].el
            if el is None:
                continue
            start = node = (<_Element>el)._c_node
            found = -1
            while node is not NULL:
                found = _memo_get(&memo, node)
                if found >= 0:
                    break
                node = _parent_element(node)
            if found < 0:
                found = 0
            # the path up again, to the node that answered (or the top), each node remembered
            while start is not node:
                _memo_put(&memo, start, <char>found)
                start = _parent_element(start)
            if found:
                out.append(i)
    finally:
        PyMem_Free(memo.keys)
        PyMem_Free(memo.answers)
    return out


def word_count(str text):
    """len(text.split()), without a str for each word: the runs of code points that
    Py_UNICODE_ISSPACE (str.split's test) does not name."""
    cdef Py_ssize_t n = len(text)
    cdef int kind = PyUnicode_KIND(text)
    cdef void* data = PyUnicode_DATA(text)
    if kind == 1:
        return _words(<const Py_UCS1*>data, n)
    if kind == 2:
        return _words(<const Py_UCS2*>data, n)
    return _words(<const Py_UCS4*>data, n)


ctypedef fused _code_unit:
    Py_UCS1
    Py_UCS2
    Py_UCS4


cdef Py_ssize_t _words(const _code_unit* s, Py_ssize_t n) noexcept:
    """One loop per kind of str (the fused type), none with a switch per character nor a
    branch on it (spaces and letters alternate past any branch predictor)."""
    cdef Py_ssize_t i
    cdef Py_ssize_t words = 0
    cdef int space
    cdef int gap = 1
    for i in range(n):
        space = Py_UNICODE_ISSPACE(s[i]) != 0
        words += gap & (space ^ 1)
        gap = space
    return words
