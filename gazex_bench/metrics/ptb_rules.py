"""Lexer rules of Stanford CoreNLP 3.4.1 ``PTBLexer`` as Python regexes (see :mod:`ptb_tokenizer`).

Each rule is ``(main, trailing_context | None, action)`` in the lexer's order; the
scanner picks the longest ``main + trailing`` match, ties to the earlier rule
(JFlex semantics). Patterns are written case-sensitively and made JFlex-caseless by
:func:`caseless` (letters outside character classes match both cases).
"""

from __future__ import annotations

import re
from collections.abc import Callable


def _numeric_non_digits() -> str:
    """Regex class body of BMP chars Python's ``\\w`` accepts but Java's isLetterOrDigit rejects."""
    chars = [chr(c) for c in range(0x80, 0x10000) if chr(c).isalnum() and not chr(c).isalpha()]
    return "".join(re.escape(c) for c in chars if not c.isdecimal())


_NOT_JAVA_ALNUM = _numeric_non_digits()
_APOS = r"(?:['\u0092\u2019]|&apos;)"
_APOSETC = r"(?:['\u0092\u2019`\u0091\u2018\u201b]|&apos;)"
_L = rf"[^\W\d_{_NOT_JAVA_ALNUM}]"
_D = r"\d"
_AN = rf"[^\W_{_NOT_JAVA_ALNUM}]"
_WORD = rf"{_L}{_AN}*(?:[.!?]{_L}{_AN}*)*"
_UPPER = "[" + "".join(re.escape(chr(c)) for c in range(0x41, 0x10000) if chr(c).isupper()) + "]"
_NUM = rf"(?:{_D}*(?:[.:,]{_D}+)+|{_D}+)"
_NUMBER = rf"[-+]?{_NUM}"
_SPACE = r"[ \t\u00a0\u2000-\u200a\u3000]"
_SPACENL = r"[ \t\u00a0\u2000-\u200a\u3000\n]"
_HYPHEN = r"[-_\u058a]"
_ACRO = r"[A-Za-z](?:\.[A-Za-z])*"
_ACRO2 = r"[A-Za-z](?:\.[A-Za-z])+"
_REDAUX = rf"{_APOS}(?:[msdMSD]|(?:re|ve|ll))"
_SREDAUX = rf"[nN]{_APOSETC}[tT]"
_SGML = (
    r"<(?:[!?][A-Za-z-][^>\n]*|/?[A-Za-z][A-Za-z0-9_:.-]*(?:[ ]+(?:[A-Za-z][A-Za-z0-9_:.-]*"
    r"(?:[ ]*=[ ]*(?:'[^'\n]*'|\"[^\"\n]*\"|[A-Za-z][A-Za-z0-9_:.-]*))?|'[^'\n]*'|\"[^\"\n]*\"))*[ ]*/?)>"
)
_ABMONTH = r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec"
_ABDAYS = r"Mon|Tue|Tues|Wed|Thu|Thurs|Fri"
_ABSTATE = (
    r"Ala|Ariz|[A]z|[A]rk|Calif|Colo|Conn|Ct|Dak|[D]el|Fla|Ga|[I]ll|Ind|Kans?|Ky|[L]a|[M]ass|Md|Mich|"
    r"Minn|[M]iss|Mo|Mont|Neb|Nev|Okla|[O]re|[P]a|Penn|Tenn|[T]ex|Va|Vt|[W]ash|Wisc?|Wyo"
)
_ABCOMP = r"Inc|Cos?|Corp|Pp?t[ye]s?|Ltd|Plc|Rt|Bancorp|Dept|Bhd|Assn|Univ|Intl|Sys"
_ABBREV1 = rf"(?:{_ABMONTH}|{_ABDAYS}|{_ABSTATE}|{_ABCOMP}|tel|est|ext|sq|Jr|Bros|(?:Ed|Ph)\.D|Esq|etc|al|seq|Bldg)\."
_ABTITLE = (
    r"Mr|Mrs|Ms|[M]iss|Drs?|Profs?|Sens?|Reps?|Attys?|Lt|Col|Gen|Messrs|Govs?|Adm|Rev|Maj|Sgt|Cpl|Pvt|"
    r"Capt|Ste?|Ave|Pres|Lieut|Hon|Brig|Co?mdr|Pfc|Spc|Supts?|Det|Mt|Ft|Adj|Adv|Asst|Assoc|Ens|Insp|"
    r"Mlle|Mme|Msgr|Sfc"
)
_ABBREV4 = rf"(?:{_ABTITLE}|vs|[v]|Alex|Wm|Jos|Cie|a\.k\.a|cf|TREAS|Ph|{_ACRO}|Invt|Elec|Natl|M[ft]g)"
_ABBREV3 = r"(?:ca|figs?|prop|nos?|sect?s?|arts?|bldg|prop|pp|op)\."
_PRONOUNS = (  # first letter case-sensitive (character class), rest caseless
    r"(?:[A]bout|[A]ccording|[A]dditionally|[A]fter|[A]n|[A]|[A]s|[A]t|[B]ut|[E]arlier|[H]e|[H]er|[H]ere|"
    r"[H]owever|[I]f|[I]n|[I]t|[L]ast|[M]any|[M]ore|[M]r\.|[M]s\.|[N]ow|[O]nce|[O]ne|[O]ther|[O]ur|[S]he|"
    r"[S]ince|[S]o|[S]ome|[S]uch|[T]hat|[T]he|[T]heir|[T]hen|[T]here|[T]hese|[T]hey|[T]his|[W]e|[W]hen|"
    r"[W]hile|[W]hat|[W]ho|[W]hy|[Y]et|[Y]ou|" + _SGML + ")"
)
_PHONE = (
    r"(?:\([0-9]{2,3}\)[ \u00a0]?|(?:\+\+?)?(?:[0-9]{2,4}[\- \u00a0])?[0-9]{2,4}[\- \u00a0])[0-9]{3,4}"
    r"[\- \u00a0]?[0-9]{3,5}|(?:(?:\+\+?)?[0-9]{2,4}\.)?[0-9]{2,4}\.[0-9]{3,4}\.[0-9]{3,5}"
)
_QUOTES = r"(?:['\u0092\u2019`\u2018-\u201f\u0082\u0084\u0091-\u0094\u2039\u203a\u00ab\u00bb]|&apos;){1,2}"
_DBLQUOT = r"(?:\"|&quot;|[`'\u0091\u0092\u2018\u2019]')"
_MISC = (
    "[+%&~^|\\\\\u00a6\u00a7\u00a8\u00a9\u00ac\u00ae\u00af\u00b0-\u00b3\u00b4-\u00ba\u00d7\u00f7"
    "\u0387\u05be\u05c0\u05c3\u05c6\u05f3\u05f4\u0600-\u0603\u0606-\u060a\u060c\u0614\u061b\u061e"
    "\u066a\u066d\u0703-\u070d\u07f6-\u07f8\u0964\u0965\u0e4f\u1fbd\u2016\u2017\u2020-\u2025"
    "\u2030-\u2038\u203b\u203c\u2043\u203e-\u2042\u2044\u207a-\u207f\u208a-\u208e\u2100-\u214f"
    "\u2190-\u21ff\u2200-\u2bff\u3001-\u3006\u3008-\u3020\u30fb\uff01-\uff0f\uff1a-\uff20"
    "\uff3b-\uff40\uff5b-\uff65]"
)
_FRAC2_MAP = {"\u00bc": "1/4", "\u00bd": "1/2", "\u00be": "3/4", "\u2153": "1/3", "\u2154": "2/3"}
_CURRENCY_MAP = {"\u00a2": "cents", "\u00a3": "#", "\u20ac": "$", "\u0080": "$"}
_BRACKETS = {"(": "-LRB-", ")": "-RRB-", "[": "-LSB-", "]": "-RSB-", "{": "-LCB-", "}": "-RCB-"}

_NL = "\n"  # newline token marker
_NOT_LETTER = rf"(?!{_L})[\s\S]"  # one char that is not a letter ([^\p{Alpha}])
_NOT_ALNUM = rf"(?!{_AN})[\s\S]"


def _nbsp(tok: str) -> str:
    return tok.replace(" ", "\u00a0")


def _parens(tok: str) -> str:
    return tok.replace("(", "-LRB-").replace(")", "-RRB-")


_LEFT_SINGLE = re.compile("[\u0091\u2018\u201b\u2039]")
_RIGHT_SINGLE = re.compile("[\u0092\u2019\u203a]")
_LEFT_DOUBLE = re.compile("[\u0093\u201c\u00ab]")
_RIGHT_DOUBLE = re.compile("[\u0094\u201d\u00bb]")


def _quotes(tok: str, left: bool) -> str:
    """PTBLexer latexQuotes (3.4.1 behaviour as observed: a lone ' or " is directed)."""
    s = tok.replace("&apos;", "'").replace("&quot;", '"')
    if left:
        s = "`" if s == "'" else s.replace('"', "``")
    else:
        s = s.replace('"', "''")
    s = _LEFT_SINGLE.sub("`", s)
    s = _RIGHT_SINGLE.sub("'", s)
    s = _LEFT_DOUBLE.sub("``", s)
    return _RIGHT_DOUBLE.sub("''", s)


def _qleft(tok: str) -> str:
    return _quotes(tok, True)


def _qright(tok: str) -> str:
    return _quotes(tok, False)


def _hyphens(tok: str) -> str:
    return "--" if 3 <= len(tok) <= 4 else tok


# Action codes: None = emit matched text; callable = emit f(text);
# ("push", k) = emit text[:-k] and rescan the last k chars;
# "dup" = emit text and rescan its last char; "acro" = processAcronym; "skip"; "nl".
_Action = Callable[[str], str] | tuple[str, int] | str | None

_RULE_SPECS: list[tuple[str, str | None, _Action]] = [
    (r"(?:cannot|'twas)", None, ("push", 3)),
    (r"(?:'tis|gonna|gotta|lemme|gimme|wanna)", None, ("push", 2)),
    (_SGML, None, _nbsp),
    (r"&(?:MD|mdash|ndash);|[\u0096\u0097\u2013\u2014\u2015]", None, lambda t: "--"),
    (r"&amp;", None, lambda t: "&"),
    (r"&(?:HT|TL|UR|LR|QC|QL|QR|odq|cdq|#[0-9]+);", None, None),
    (_WORD, _REDAUX, None),
    (r"[A-Za-z\u00ad]*[A-MO-Za-mo-z]", _SREDAUX, None),
    (_WORD, None, None),
    (
        rf"{_APOS}n{_APOS}?|[lLdDjJ]{_APOS}|(?:Dunkin|somethin|ol){_APOS}|{_APOS}(?:em)|"
        rf"[A-HJ-XZn]{_APOSETC}{_L}{{2}}{_L}*|{_APOS}[2-9]0s|{_APOS}(?:till?)|"
        rf"{_L}{_L}*[aeiouyAEIOUY]{_APOSETC}[aeiouA-Z]{_L}*|{_APOS}(?:cause)|(?:cont'd\.?|nor'easter|c'mon|e'er|"
        rf"s'mores|ev'ry|li'l|nat'l)",
        None,
        _qright,
    ),
    (rf"[yY]{_APOS}", _L, None),
    (
        r"(?:ftp|svn|svn\+ssh|http|https|mailto)://[^ \t\n\f\r\"<>|()]+[^ \t\n\f\r\"'<>|.!?(){},-]",
        None,
        None,
    ),
    (
        r"(?:(?:www\.(?:[^ \t\n\f\r\"<>|.!?(){},]+\.)+[a-zA-Z]{2,4})|(?:(?:[^ \t\n\f\r\"`'<>|.!?(){},\-_$]+\.)+"
        r"(?:com|net|org|edu)))(?:/[^ \t\n\f\r\"<>|()]+[^ \t\n\f\r\"<>|.!?(){},-])?",
        None,
        None,
    ),
    (
        r"(?:&lt;|<)?[a-zA-Z0-9][^ \t\n\f\r\"<>|()\u00a0{}]*@(?:[^ \t\n\f\r\"<>|(){}.\u00a0]+\.)*"
        r"[^ \t\n\f\r\"<>|(){}\[\].,;:\u00a0]+(?:&gt;|>)?",
        None,
        None,
    ),
    (rf"[@\uff20][a-zA-Z_][a-zA-Z_0-9]*|[#\uff03]{_L}+", None, None),
    (_REDAUX, _NOT_LETTER, _qright),
    (_SREDAUX, _NOT_LETTER, _qright),
    (rf"{_D}{{1,2}}[-/]{_D}{{1,2}}[-/]{_D}{{2,4}}", None, None),
    (_NUMBER, None, None),
    (rf"(?:{_D}{{1,4}}[- \u00a0])?{_D}{{1,4}}(?:\\?/|\u2044){_D}{{1,4}}", None, _nbsp),
    (r"[\u00bc\u00bd\u00be\u2153-\u215e]", None, lambda t: _FRAC2_MAP.get(t, t)),
    (
        r"-(?:RRB|LRB|RCB|LCB|RSB|LSB)-|C\.D\.s|pro-|anti-|S(?:&|&amp;)P-500|S(?:&|&amp;)Ls",
        None,
        lambda t: t.replace("&amp;", "&"),
    ),
    (r"(?:E|Yahoo|Jeopardy)!", None, None),
    (r"[A-Za-z0-9]+(?:-[A-Za-z]+){0,2}(?:\\?/[A-Za-z0-9]+(?:-[A-Za-z]+){0,2}){1,2}", None, None),
    (r"[A-Z]*\$|#", None, None),
    (
        r"[\u00a2\u00a3\u00a4\u00a5\u0080\u20a0\u20ac\u060b\u0e3f\u20a4\uffe0\uffe1\uffe5\uffe6]",
        None,
        lambda t: _CURRENCY_MAP.get(t, t),
    ),
    (rf"{_ACRO}\.", rf"{_SPACENL}+{_PRONOUNS}(?:{_SPACENL}|[?!])", "acro"),
    (rf"(?:{_ABBREV3})", rf"{_SPACENL}?{_D}", None),
    (r"(?:So\.|No\.)", rf"{_SPACENL}+(?:Africa|Korea|Cal)", None),
    (r"(?:(?:pt[ey]|co)\.)", rf"{_SPACE}(?:ltd|lim)", None),
    (rf"(?:{_ABBREV1})", rf"{_SPACENL}(?:{_SPACENL}|{_UPPER}|{_SGML})", "dup"),
    (rf"(?:{_ABBREV1})", r"[\s\S][\s\S]", None),
    (rf"(?:{_ABBREV1})", None, "dup"),
    (rf"(?:{_ABBREV4})\.", None, None),
    (rf"(?:{_ABBREV4})", _SPACE, None),
    (_ACRO, _SPACENL, None),
    (rf"{_APOS}[0-9][0-9]", _SPACENL, None),
    (rf"{_WORD}\.", r"[,;:\u3001]", None),
    (_PHONE, None, lambda t: _parens(_nbsp(t))),
    (_DBLQUOT, rf"{_AN}|\$", _qleft),
    (_DBLQUOT, None, _qright),
    (r"<|&lt;", None, lambda t: "<"),
    (r">|&gt;", None, lambda t: ">"),
    (r"[<>]?[:;=][\-o*']?[()DPdpO\\{@|\[\]]", _NOT_ALNUM, _parens),
    (r"[{}\[\]()]", None, lambda t: _BRACKETS[t]),
    (r"-+", None, _hyphens),
    (r"\.\.\.+|[\u0085\u2026]|\.[ \u00a0](?:\.[ \u00a0])+\.", None, lambda t: "..."),
    (r"@+|#+|_+", None, None),
    (r"\*+|(?:\\\*){1,3}", None, None),
    (r"[,;:\u3001]", None, None),
    (r"[?!]+", None, None),
    (r"[.\u00a1\u00bf\u037e\u0589\u061f\u06d4\u0700-\u0702\u07fa\u3002]", None, None),
    (r"=", None, None),
    (r"/", None, None),
    (rf"{_AN}(?:{_AN}|[.,\u00ad])*(?:-(?:{_AN}|\u00ad)+|-{_ACRO2}\.)+", None, None),
    (rf"{_AN}(?:{_AN}|[.,\u00ad])*(?:-(?:{_AN}|\u00ad)+|-{_ACRO2}\.)+\.", r"[,;:\u3001]", None),
    (
        rf"(?:[dDoOlL]{_APOSETC}{_AN})?(?:{_AN}+|{_NUM})(?:{_HYPHEN}(?:[dDoOlL]{_APOSETC}{_AN})?{_AN}+)*",
        None,
        None,
    ),
    (r"[A-Z]+(?:(?:[+&]|&amp;)[A-Z]+)+\.", r"[,;:\u3001]", lambda t: t.replace("&amp;", "&")),
    (r"[A-Z]+(?:(?:[+&]|&amp;)[A-Z]+)+", None, lambda t: t.replace("&amp;", "&")),
    (_QUOTES, rf"{_L}[^ \t\u00a0\u2000-\u200a\u3000\n]", _qleft),
    (_QUOTES, rf"[AaIiUu]{_SPACENL}", _qleft),
    (_QUOTES, None, _qright),
    (_REDAUX, None, _qright),
    (_SREDAUX, None, _qright),
    (r"<<|>>", None, None),
    (_MISC, None, None),
    (r"[\u0086\u0087\u0089\u0095\u0098\u0099]", None, None),
    (r"\x00|[ \t\u00a0\u2000-\u200a\u3000]+|[\u200b\u200e\u200f\ufeff]|&nbsp;", None, "skip"),
    (r"\n", None, "nl"),
    (r"[\s\S]", None, "skip"),  # untokenizable: deleted (PTBLexer default 'firstDelete')
]


def caseless(pattern: str) -> str:
    """JFlex ``%caseless``: ASCII letters outside character classes match both cases.

    Character classes keep their case (JFlex manual: caseless "does not effect
    character classes"), so ``[A]bout`` needs a capital A but any case after it.
    """
    out: list[str] = []
    i, in_class, n = 0, False, len(pattern)
    while i < n:
        ch = pattern[i]
        if ch == "\\":
            width = 6 if pattern[i + 1] == "u" else 4 if pattern[i + 1] == "x" else 2
            out.append(pattern[i : i + width])
            i += width
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
            lead = 3 if pattern[i + 1 : i + 3] == "^]" else 2 if pattern[i + 1] in "]^" else 1
            out.append(pattern[i : i + lead])
            i += lead
            continue
        elif ch.isascii() and ch.isalpha() and not (i > 0 and pattern[i - 1] == "?"):
            ch = f"[{ch.lower()}{ch.upper()}]"
        out.append(ch)
        i += 1
    return "".join(out)


def _compile() -> list[tuple[re.Pattern[str], _Action]]:
    rules = []
    for main, trail, action in _RULE_SPECS:
        pattern = f"({main})" + (f"(?:{trail})" if trail else "")
        rules.append((re.compile(caseless(pattern)), action))
    return rules


RULES = _compile()

# Any abbreviation some rule may keep with its period (used by the scanner's fast path).
ABBREVIATION_RE = re.compile(caseless(rf"(?:{_ABBREV1}|{_ABBREV4}\.|{_ABBREV3}|So\.|No\.|(?:pt[ey]|co)\.)"))
NL = _NL
Action = _Action
