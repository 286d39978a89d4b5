"""How much work a page's nesting costs the HTML parser, estimated from its tags before it is parsed.

lexbor's tree builder, as the HTML standard describes it, looks down the stack of open elements at most tags
(is a `p` open to close? is this end tag's element in scope?) as far as the nearest table cell, table or
button. Elements nested deep make every later tag cost the depth: 20,000 nested `div`s take it a second,
200,000 several minutes. This walks the tags once with the standard's main rules for closing elements, as
an estimate of that depth, and sums it over the tags.
"""

from __future__ import annotations

import re

_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9]*)")
_VOID = frozenset(
    "area base basefont bgsound br col embed frame hr img image input keygen link meta param source track wbr".split()
)
# Where the parser's looks down the stack stop.
_BOUNDARY = frozenset("html table td th caption marquee object template applet button".split())
# Start tags at which lexbor looks down the stack (measured: the others cost the same at any depth). Every end
# tag looks down as far as its element.
_LOOKS_DOWN = frozenset(
    (
        "a address body center details dialog dir div dl dd dt fieldset figcaption figure footer form h1 h2 h3 h4 "
        "h5 h6 header hgroup hr html input li listing main menu nav ol optgroup option pre rb rp rt search section "
        "select summary table template ul xmp"
    ).split()
)
# Start tags that close an open `p` (when no boundary lies above it).
_CLOSE_P = frozenset(
    (
        "address article aside blockquote center details dialog dir div dl fieldset figcaption figure footer header "
        "hgroup main menu nav ol p section summary ul h1 h2 h3 h4 h5 h6 pre listing form table xmp"
    ).split()
)
_CELLS = ("td", "th")
_ROWS = ("tr", *_CELLS)
_SECTIONS = ("tbody", "thead", "tfoot", *_ROWS)
# Start tag -> (the open elements it closes, the elements that shield them from it).
_CLOSES = {
    "td": (_CELLS, ("table",)),
    "th": (_CELLS, ("table",)),
    "tr": (_ROWS, ("table",)),
    "tbody": (_SECTIONS, ("table",)),
    "thead": (_SECTIONS, ("table",)),
    "tfoot": (_SECTIONS, ("table",)),
    "table": (("table",), ("td", "th", "caption")),  # a table opened in a table's own body ends that one first
    "li": (("li",), ("ul", "ol")),
    "dt": (("dt", "dd"), ("dl",)),
    "dd": (("dt", "dd"), ("dl",)),
    "option": (("option",), ("select",)),
    "a": (("a",), _CELLS),  # the adoption agency closes an open link first
    "nobr": (("nobr",), _CELLS),
}


def nesting_work(text: str) -> tuple[int, int]:
    """(the sum over the page's tags of the open elements the parser looks through at each, the deepest
    nesting met)."""
    stack: list[str] = []
    open_at: dict[str, list[int]] = {}  # element name -> where in the stack the open ones are
    boundaries: list[int] = [-1]  # where in the stack the open boundary elements are

    def pop_to(index: int) -> None:
        while len(stack) > index:
            name = stack.pop()
            open_at[name].pop()
            if boundaries[-1] == len(stack):
                boundaries.pop()

    def innermost(names) -> int:
        return max((found[-1] for name in names if (found := open_at.get(name))), default=-1)

    work = deepest = 0
    for closing, name in _TAG.findall(text):
        name = name.lower()
        above_boundary = len(stack) - boundaries[-1] - 1
        if closing:
            found = open_at.get(name)
            at = found[-1] if found else -1
            if at > boundaries[-1] or (at >= 0 and name in _BOUNDARY):
                work += len(stack) - at
                pop_to(at)
            else:  # not open where it could close: looked for down to the boundary, then ignored
                work += above_boundary
            continue
        work += above_boundary if name in _LOOKS_DOWN else 1
        if name in _CLOSE_P and (paragraphs := open_at.get("p")) and paragraphs[-1] > boundaries[-1]:
            pop_to(paragraphs[-1])
        if (closes := _CLOSES.get(name)) is not None:
            closed, shields = closes
            at = innermost(closed)
            if at > innermost(shields):
                pop_to(at)
        if name in _VOID:
            continue
        if name in _BOUNDARY:
            boundaries.append(len(stack))
        open_at.setdefault(name, []).append(len(stack))
        stack.append(name)
        deepest = max(deepest, len(stack))
    return work, deepest
