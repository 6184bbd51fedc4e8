"""What a reader of a page sees, and the internal codes that must not be in it.

``visible_text(html)`` keeps the text a browser shows (no tags, attributes, scripts, styles,
hidden or screen-reader-only elements, nor text marked ``lang="en"`` — an English name kept as
data next to the Chinese one), one string per text node, with the element that holds it. ``leaks(html)`` answers the pieces of that text that look like
internal codes, research tags or untranslated labels: the page-walk tests (core's and each
app's) call it on every page a role can open, in Chinese.

The patterns are deliberately narrow (a false alarm on a real page is a bug in the pattern):

* a snake_case token (``risk_checks_generated``): an event or state code shown raw;
* ``→ in_operation``: an arrow followed by a lower-case code instead of a state's label;
* ``S56``, ``资料 S62``: a research source tag of the project's fact sheet;
* ``[CODE]``, ``[C2]``, ``[VAR]``, ``[D]``: the fact sheet's certainty marks;
* an English phrase (two or more English words of which one is lower case and 3+ letters,
  e.g. ``Accident types``, ``20 types``), or a heading, label, button, link or option that is
  one English word (``Filters``): an untranslated label. Proper names and abbreviations that
  are the same in Chinese (GB, LEC, PDF, API, Excel) are upper case or kept by name.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

SKIP_TAGS = {"script", "style", "noscript", "template", "head", "code", "pre", "svg"}
VOID_TAGS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

SNAKE = re.compile(r"(?<![\w./:-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w/-])")
ARROW_CODE = re.compile(r"→\s*[a-z][a-z_]+\b")
RESEARCH_TAG = re.compile(r"(?<![A-Za-z0-9./])S\d{1,3}(?![\dA-Za-z.])")
CERTAINTY_TAG = re.compile(r"\[(?:CODE|C2|C|VAR|D|U|UNCONFIRMED)\]")
ENGLISH_PHRASE = re.compile(r"\b(?:[A-Za-z]+|\d+)\s+[a-z]{3,}\b|\b[A-Z][a-z]+\s+[A-Za-z]{2,}\b")

# A label that is one English word (``Filters``, ``Export``) in an element that labels something.
ASCII_WORD = re.compile(r"[A-Za-z][a-z]{3,}")
LABEL_TAGS = {"th", "label", "button", "dt", "option", "a", "legend", "summary", "h1", "h2", "h3", "caption"}
# Names that are the same in Chinese text.
WORDS_KEPT = {"Excel", "English", "Token"}

PATTERNS = {
    "snake_case code": SNAKE,
    "state code after an arrow": ARROW_CODE,
    "research tag": RESEARCH_TAG,
    "certainty tag": CERTAINTY_TAG,
    "English label": ENGLISH_PHRASE,
}


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.skip = 0
        self.hidden = 0
        self.nodes: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in VOID_TAGS:
            if tag == "input" and attrs.get("type") in {"submit", "button"} and attrs.get("value"):
                self.nodes.append(("input", attrs["value"]))
            return
        self.stack.append(tag)
        if tag in SKIP_TAGS:
            self.skip += 1
        classes = (attrs.get("class") or "").split()
        if ("hidden" in attrs or attrs.get("aria-hidden") == "true" or "visually-hidden" in classes
                or (attrs.get("lang") or "").lower().startswith("en")):
            self.hidden += 1
            self.stack[-1] = tag + "!"

    def handle_endtag(self, tag):
        if tag in VOID_TAGS:
            return
        # Tolerate unclosed elements: pop back to the matching open tag.
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i].rstrip("!") == tag:
                for opened in self.stack[i:]:
                    if opened.rstrip("!") in SKIP_TAGS:
                        self.skip -= 1
                    if opened.endswith("!"):
                        self.hidden -= 1
                del self.stack[i:]
                return

    def handle_data(self, data):
        if self.skip or self.hidden:
            return
        text = " ".join(data.split())
        if text:
            self.nodes.append((self.stack[-1].rstrip("!") if self.stack else "", text))


def visible_text(html: str) -> list[tuple[str, str]]:
    """(enclosing tag, text) of every visible text node of a page, whitespace collapsed."""
    parser = _TextCollector()
    parser.feed(html)
    parser.close()
    return parser.nodes


def leaks(html: str, *, allow: tuple[str, ...] = ()) -> list[str]:
    """The visible pieces of a page that look like internal codes, research tags or English
    labels, as "kind: text" lines. ``allow`` lists exact strings (data a test created, user
    names) removed from the text before matching."""
    found = []
    for tag, text in visible_text(html):
        for item in sorted(allow, key=len, reverse=True):
            text = text.replace(item, " ")
        for kind, pattern in PATTERNS.items():
            match = pattern.search(text)
            if match:
                found.append(f"{kind}: {match.group(0)!r} in <{tag}> {text[:120]!r}")
        label = text.strip(" :：*›‹")
        if tag in LABEL_TAGS and ASCII_WORD.fullmatch(label) and label not in WORDS_KEPT:
            found.append(f"English label: {label!r} in <{tag}>")
    return found
