"""The FIQL subset VCD's OpenAPI accepts in `filter=`.

Grammar: or := and (',' and)* ; and := term (';' term)* ; term := '(' or ')' | sel op value.
Operators ==, !=, =lt=, =le=, =gt=, =ge=.  A trailing `*` in a value is a prefix wildcard.
Without `filterEncoded=true`, a value holding a space, `+` or a `*` that is not at its end is a
QueryParseException (VCD's parser chokes on them; `,` and `;` simply split the expression and
the leftover fails to parse).  With `filterEncoded=true` each value is percent-decoded after
the expression is split.  Selectors starting with `_` (e.g. `_context`) are handled by the
endpoint: here they always match.
"""
import re
import urllib.parse

_OPS = ("==", "!=", "=lt=", "=le=", "=gt=", "=ge=")
_SEL = re.compile(r"[A-Za-z_][A-Za-z0-9_.:\-]*")


class QueryParseError(ValueError):
    pass


class _P:
    def __init__(self, text, encoded):
        self.t, self.i, self.enc = text, 0, encoded

    def err(self, why):
        raise QueryParseError("Invalid filter expression '%s' at position %d: %s" % (self.t, self.i, why))

    def parse(self):
        node = self.or_()
        if self.i != len(self.t):
            self.err("unexpected '%s'" % self.t[self.i])
        return node

    def or_(self):
        parts = [self.and_()]
        while self.i < len(self.t) and self.t[self.i] == ",":
            self.i += 1
            parts.append(self.and_())
        return parts[0] if len(parts) == 1 else ("or", parts)

    def and_(self):
        parts = [self.term()]
        while self.i < len(self.t) and self.t[self.i] == ";":
            self.i += 1
            parts.append(self.term())
        return parts[0] if len(parts) == 1 else ("and", parts)

    def term(self):
        if self.i < len(self.t) and self.t[self.i] == "(":
            self.i += 1
            node = self.or_()
            if self.i >= len(self.t) or self.t[self.i] != ")":
                self.err("missing ')'")
            self.i += 1
            return node
        m = _SEL.match(self.t, self.i)
        if not m:
            self.err("selector expected")
        sel = m.group(0)
        self.i = m.end()
        for op in _OPS:
            if self.t.startswith(op, self.i):
                self.i += len(op)
                break
        else:
            self.err("comparison operator expected after '%s'" % sel)
        j = self.i
        while j < len(self.t) and self.t[j] not in ",;)":
            j += 1
        raw = self.t[self.i:j]
        self.i = j
        if raw == "":
            self.err("value expected")
        if self.enc:
            value = urllib.parse.unquote(raw)
        else:
            bad = [c for c in (" ", "+") if c in raw]
            if "*" in raw[:-1]:
                bad.append("*")
            if bad:
                self.err("unencoded %s in value '%s' (use filterEncoded=true)" % (
                    " ".join(repr(b) for b in bad), raw))
            value = raw
        return ("cmp", sel, op, value)


def parse(text, encoded=False):
    if text is None or text == "":
        return None
    return _P(text, encoded).parse()


def lookup(obj, dotted):
    cur = obj
    for part in dotted.split("."):
        if isinstance(cur, dict):
            cur = cur.get(part)
        else:
            return None
    return cur


def _s(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if v is None:
        return "null"
    return str(v)


def _cmp(actual, op, value):
    if op in ("==", "!="):
        if isinstance(actual, list):
            hit = any(_cmp(a, "==", value) for a in actual)
        else:
            a = _s(actual)
            if value.endswith("*") and not value.endswith("\\*"):
                hit = a.startswith(value[:-1])
            else:
                hit = a == value
        return hit if op == "==" else not hit
    a = actual
    try:
        a, b = float(a), float(value)
    except (TypeError, ValueError):
        a, b = _s(a), value
    return {"=lt=": a < b, "=le=": a <= b, "=gt=": a > b, "=ge=": a >= b}[op]


def evaluate(node, obj):
    if node is None:
        return True
    kind = node[0]
    if kind == "and":
        return all(evaluate(n, obj) for n in node[1])
    if kind == "or":
        return any(evaluate(n, obj) for n in node[1])
    _, sel, op, value = node
    if sel.startswith("_"):
        return True
    return _cmp(lookup(obj, sel), op, value)


def find(node, selector):
    """All values compared with == against `selector` anywhere in the tree."""
    out = []
    if node is None:
        return out
    if node[0] in ("and", "or"):
        for n in node[1]:
            out.extend(find(n, selector))
    elif node[1] == selector and node[2] == "==":
        out.append(node[3])
    return out
