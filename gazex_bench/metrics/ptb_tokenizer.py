"""Pure-Python re-implementation of Stanford CoreNLP 3.4.1 ``PTBTokenizer``.

pycocoevalcap's ``PTBTokenizer`` shells out to
``java -cp stanford-corenlp-3.4.1.jar edu.stanford.nlp.process.PTBTokenizer
-preserveLines -lowerCase`` on all captions joined by ``\\n`` and then drops a fixed
list of punctuation tokens. This module reproduces that flow without Java: a
longest-match scanner over the JFlex rules of ``PTBLexer.flex`` (the subset that
matters for English report text; rules and their order follow the lexer, with
trailing context counted towards the match length as JFlex does).

Parity with the jar is tested on several hundred report-like strings
(``tests/metrics/test_text_ptb.py``). Known residual differences (exotic inputs
only) are listed in :data:`KNOWN_RESIDUALS`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from gazex_bench.metrics.ptb_rules import ABBREVIATION_RE, NL, RULES, Action

# pycocoevalcap/tokenizer/ptbtokenizer.py: tokens removed after tokenisation.
PUNCTUATIONS: frozenset[str] = frozenset(
    ["''", "'", "``", "`", "-LRB-", "-RRB-", "-LCB-", "-RCB-", ".", "?", "!", ",", ":", "-", "--", "...", ";"]
)

KNOWN_RESIDUALS: tuple[str, ...] = (
    "URLs, e-mail addresses, SGML tags with unusual attributes and phone numbers are approximated",
    "characters the jar cannot tokenise (e.g. emoji, U+2010-U+2012) are deleted; exact set approximated",
    "Unicode superscripts, rare currency signs and CP1252 control characters may differ",
    "adversarial glued strings differ in ~0.4% of random fragment concatenations, e.g. a curly apostrophe "
    "before a word ('\u2019mL'), a URL/e-mail glued to symbols ('/a@b.com&'), 'pro-e.g.', 'x\u00b5m1.5-2.5'; "
    "0 differences on 10,000 synthetic report strings",
    "\\r and other Unicode line separators inside a caption are treated as spaces (the jar starts a new "
    "line and misaligns all later captions)",
)


# Fast path for the common shapes whose longest match is known without trying every rule:
# an ASCII word followed by space/newline/[,;:)]; , ; : before space; a lone period before
# space (not ". ." ellipsis); ')' always; '(' not followed by a digit (phone numbers).
_FAST = re.compile(
    r"[A-Za-z]+(?=[ \n;)]|[,:](?=[ \n]|$)|$)|[,;:](?=[ \n]|$)|\.(?=\n|$| (?!\.))|\)|\((?=[^0-9])"
)
_FAST_MAP = {"(": "-LRB-", ")": "-RRB-"}
# A plain number followed by a space and a non-digit (no FRAC/PHONE continuation), and a
# word followed by a sentence period that is not an abbreviation of any lexer rule.
_FAST_NUM = re.compile(r"[0-9]+(?:[.:,][0-9]+)*(?=[ \n](?![0-9])|$)")
_FAST_WORD_DOT = re.compile(r"[A-Za-z]{2,}(?=\.(?:[ \n]|$))")
_ABBREV_ANY = ABBREVIATION_RE
_FAST_EXCLUDE = re.compile(r"(?i:cannot|gonna|gotta|lemme|gimme|wanna)")


def _next_token(text: str, pos: int) -> tuple[int, int, Action]:
    """Longest match at ``pos``: returns (rule index, token length, action)."""
    best_total, best_tok, best_action, best_i = -1, 0, None, -1
    for i, (pattern, action) in enumerate(RULES):
        m = pattern.match(text, pos)
        if m is None:
            continue
        total = m.end() - pos
        if total > best_total:
            best_total, best_tok, best_action, best_i = total, m.end(1) - pos, action, i
    return best_i, best_tok, best_action


def _apply(tok: str, action: Action) -> tuple[str | None, int]:
    """Return (emitted token or None, number of characters consumed)."""
    if action is None:
        return tok, len(tok)
    if callable(action):
        return action(tok), len(tok)
    if isinstance(action, tuple):
        k = action[1] if len(tok) > action[1] else 0
        return tok[: len(tok) - k], len(tok) - k
    if action == "dup":
        return tok, len(tok) - 1
    if action == "acro":
        if len(tok) == 2:
            return tok[0], 1
        return tok, len(tok) - 1
    if action == "nl":
        return NL, 1
    return None, len(tok)  # skip


def tokenize_stream(text: str) -> list[list[str]]:
    """Tokenise ``text`` like ``PTBTokenizer -preserveLines`` (case preserved).

    Args:
        text: Lines separated by ``\\n``.

    Returns:
        One list of raw PTB tokens per input line.
    """
    lines: list[list[str]] = [[]]
    pos, n = 0, len(text)
    while pos < n:
        ch = text[pos]
        if ch == " " or ch == "\t":  # no rule starts with plain whitespace
            pos += 1
            continue
        if ch == "\n":
            lines.append([])
            pos += 1
            continue
        fast = _FAST.match(text, pos)
        if fast is not None and not _FAST_EXCLUDE.fullmatch(fast.group()):
            word = fast.group()
            lines[-1].append(_FAST_MAP.get(word, word))
            pos = fast.end()
            continue
        m = _FAST_NUM.match(text, pos)
        if m is None:
            m = _FAST_WORD_DOT.match(text, pos)
            if m is not None and _ABBREV_ANY.fullmatch(m.group() + "."):
                m = None
        if m is not None:
            lines[-1].append(m.group())
            pos = m.end()
            continue
        _, toklen, action = _next_token(text, pos)
        tok, consumed = _apply(text[pos : pos + toklen], action)
        pos += max(consumed, 1)
        if tok == NL:
            lines.append([])
        elif tok:
            lines[-1].append(tok)
    return lines


def _clean_caption(caption: str) -> str:
    # pycocoevalcap replaces '\n'; other line separators would break line alignment.
    return re.sub(r"[\r\n\u2028\u2029\u000b\u000c\u0085]", " ", caption)


def ptb_tokenize_captions(captions: Sequence[str]) -> list[str]:
    """Tokenise captions exactly as pycocoevalcap's ``PTBTokenizer.tokenize`` does.

    The captions are processed as one stream joined by ``\\n`` (as the jar sees
    them), lower-cased, and the tokens in :data:`PUNCTUATIONS` are dropped.

    Args:
        captions: Raw caption / report strings, in the order pycocoevalcap would
            write them.

    Returns:
        One space-joined token string per caption.
    """
    text = "\n".join(_clean_caption(c) for c in captions)
    lines = tokenize_stream(text)
    out = []
    for i in range(len(captions)):
        toks = lines[i] if i < len(lines) else []
        # The jar lower-cases before pycocoevalcap filters, so "-LRB-" arrives as "-lrb-" and is kept.
        lowered = (t.lower() for t in toks)
        out.append(" ".join(t for t in lowered if t not in PUNCTUATIONS))
    return out
