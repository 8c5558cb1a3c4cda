"""Swagger 2.0 contract checks for /cloudapi requests and responses.

The Swagger document (VMware's /cloudapi description for API 37.2) is parsed once and cached
as a pickle in the run dir, keyed by the file's path, size and mtime.  Schemas are turned into
JSON Schema Draft 4 (Swagger 2 schemas are a Draft 4 dialect):

* `x-*` keys, `readOnly`, `discriminator`, `example` are ignored by the validator;
* in *request* schemas, properties marked `readOnly` are removed from `required`;
* enum-only definitions that Swagger declares as `type: object` (e.g. `NetworkPoolBackingType`)
  are validated as strings;
* `\\p{..}` classes in patterns (unsupported by Python `re`) are translated;
* broken refs such as `#/definitions/query.yaml#/definitions/Page` (3 in the 37.2 document)
  are repaired to `#/definitions/Page`;
* keys whose value is JSON `null` are pruned before validation (VCD's Jackson reader accepts
  `null` for any optional property; Swagger 2 cannot say so).

Paths the real VCD serves but the 37.2 document lacks are listed in `SPEC_GAPS` (documented in
docs/lab.md); area modules may add more with `register_gap()`.
"""
import copy
import os
import pickle
import re
import threading

CACHE_VERSION = 4

# (method or "*", regex on the path after /cloudapi, reason)
SPEC_GAPS = [
    ("GET", r"^/1\.0\.0/entities/[^/]+/fullContents$",
     "API 38.0+ (secure RDE fields, api-reference §2); absent from the 37.2 document"),
]


def register_gap(method, regex, reason):
    """Allow a /cloudapi method+path the 37.2 document lacks (documented reason required)."""
    SPEC_GAPS.append((method.upper(), regex, reason))


def gap_for(method, path):
    for m, rx, reason in SPEC_GAPS:
        if (m == "*" or m == method) and re.search(rx, path):
            return reason
    return None


_P_CLASSES = {
    r"\p{Zl}": "\u2028", r"\p{Zp}": "\u2029",
    r"\p{C}": "\x00-\x1f\x7f-\x9f\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff\ue000-\uf8ff",
    r"\p{Z}": " \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000",
}


def _fix_pattern(p):
    for k, v in _P_CLASSES.items():
        p = p.replace(k, v)
    try:
        re.compile(p)
        return p
    except re.error:
        return None


def _convert(node, request):
    """Swagger 2 schema -> Draft 4 (in place on a deep copy)."""
    if isinstance(node, list):
        for x in node:
            _convert(x, request)
        return
    if not isinstance(node, dict):
        return
    if "enum" in node and node.get("type") not in (None, "string") and \
            all(isinstance(v, str) for v in node["enum"]):
        node["type"] = "string"
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.count("#") > 1:
        # VMware's document has 3 broken refs "#/definitions/query.yaml#/definitions/Page"
        node["$ref"] = "#" + ref.rsplit("#", 1)[1]
    if node.get("type") == "file":
        node.pop("type")
    if isinstance(node.get("type"), str) and node["type"] not in (
            "string", "object", "array", "boolean", "integer", "number", "null"):
        node.pop("type")
    if "pattern" in node and isinstance(node["pattern"], str):
        fixed = _fix_pattern(node["pattern"])
        if fixed is None:
            node.pop("pattern")
        else:
            node["pattern"] = fixed
    for k in [k for k in node if k.startswith("x-") or k in ("example", "discriminator", "xml")]:
        node.pop(k)
    props = node.get("properties")
    if request and isinstance(props, dict) and isinstance(node.get("required"), list):
        ro = {k for k, v in props.items() if isinstance(v, dict) and v.get("readOnly")}
        node["required"] = [r for r in node["required"] if r not in ro]
        if not node["required"]:
            node.pop("required")
    for k, v in list(node.items()):
        if k == "properties" and isinstance(v, dict):
            for pv in v.values():
                _convert(pv, request)
        elif k == "enum":
            continue
        elif isinstance(v, (dict, list)):
            _convert(v, request)


def _segment_rx(seg):
    """A path segment of the document -> compiled regex (None = literal)."""
    if "{" not in seg:
        return None
    out, i = "", 0
    for m in re.finditer(r"\{([^{}:]+)(?::((?:[^{}]|\{[^{}]*\})+))?\}", seg):
        out += re.escape(seg[i:m.start()])
        out += "(?:%s)" % m.group(2) if m.group(2) else "[^/]+"
        i = m.end()
    out += re.escape(seg[i:])
    return re.compile("^" + out + "$")


def _split(path):
    return [s for s in path.split("/") if s != ""]


def _build(doc):
    defs = doc.get("definitions", {})
    req_defs = copy.deepcopy(defs)
    _convert(req_defs, True)
    resp_defs = copy.deepcopy(defs)
    _convert(resp_defs, False)
    ops = {}
    index = {}
    for path, item in doc.get("paths", {}).items():
        common = item.get("parameters", [])
        segs = _split(path)
        index.setdefault(len(segs), []).append((path, segs))
        for method, op in item.items():
            if method == "parameters" or not isinstance(op, dict):
                continue
            params = list(common) + list(op.get("parameters", []))
            body = None
            body_required = False
            for p in params:
                if p.get("in") == "body":
                    body = copy.deepcopy(p.get("schema") or {})
                    _convert(body, True)
                    body_required = bool(p.get("required"))
            responses = {}
            for code, r in (op.get("responses") or {}).items():
                sch = None
                if isinstance(r, dict) and r.get("schema") is not None:
                    sch = copy.deepcopy(r["schema"])
                    _convert(sch, False)
                responses[str(code)] = sch
            ops[(path, method.upper())] = {
                "path": path, "method": method.upper(), "operationId": op.get("operationId"),
                "body": body, "body_required": body_required, "responses": responses,
                "consumes": op.get("consumes"), "produces": op.get("produces"),
            }
    return {"version": CACHE_VERSION, "req_defs": req_defs, "resp_defs": resp_defs,
            "ops": ops, "index": index, "base_path": doc.get("basePath", "/cloudapi"),
            "title": (doc.get("info") or {}).get("title"),
            "api_version": (doc.get("info") or {}).get("version")}


class SpecMissing(Exception):
    pass


class Spec:
    """The parsed contract.  `Spec.load(path, cache_dir)`."""

    def __init__(self, data, path):
        self.path = path
        self.data = data
        self.ops = data["ops"]
        self.index = {n: [(p, [(s, _segment_rx(s)) for s in segs]) for p, segs in lst]
                      for n, lst in data["index"].items()}
        self._validators = {}
        self._lock = threading.Lock()

    @classmethod
    def load(cls, path, cache_dir=None):
        if not os.path.exists(path):
            raise SpecMissing(
                "VCD Swagger document not found at %s. Put VMware's vcd-openapi-37.2.yaml there "
                "or point the VCDLAB_SPEC environment variable at it." % path)
        st = os.stat(path)
        key = "%s|%d|%d|%d" % (os.path.abspath(path), st.st_size, int(st.st_mtime_ns), CACHE_VERSION)
        cache = os.path.join(cache_dir, "spec-cache.pickle") if cache_dir else None
        if cache and os.path.exists(cache):
            try:
                with open(cache, "rb") as f:
                    k, data = pickle.load(f)
                if k == key:
                    return cls(data, path)
            except Exception:
                pass
        import yaml
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        with open(path, "rb") as f:
            doc = yaml.load(f, Loader=loader)
        data = _build(doc)
        if cache:
            os.makedirs(cache_dir, exist_ok=True)
            tmp = cache + ".%d.tmp" % os.getpid()
            with open(tmp, "wb") as f:
                pickle.dump((key, data), f, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, cache)
        return cls(data, path)

    # ---- matching -------------------------------------------------------
    def match(self, method, path):
        """path is relative to /cloudapi.  Returns (spec_path, op or None) or (None, None)."""
        segs = _split(path)
        best, best_score = None, -1
        for spath, ssegs in self.index.get(len(segs), ()):
            score = 0
            for got, (lit, rx) in zip(segs, ssegs):
                if rx is None:
                    if got != lit:
                        break
                    score += 1
                elif not rx.match(got):
                    break
            else:
                if score > best_score:
                    best, best_score = spath, score
        if best is None:
            return None, None
        op = self.ops.get((best, method.upper()))
        if op is None:
            # another template of the same shape may carry the method
            for spath, ssegs in self.index.get(len(segs), ()):
                if (spath, method.upper()) in self.ops and all(
                        (got == lit) if rx is None else bool(rx.match(got))
                        for got, (lit, rx) in zip(segs, ssegs)):
                    return spath, self.ops[(spath, method.upper())]
        return best, op

    def methods(self, spath):
        return sorted(m for (p, m) in self.ops if p == spath)

    # ---- validation ------------------------------------------------------
    def _validator(self, key, schema, request):
        v = self._validators.get(key)
        if v is None:
            from jsonschema import Draft4Validator
            root = dict(schema)
            root["definitions"] = self.data["req_defs" if request else "resp_defs"]
            v = Draft4Validator(root)
            with self._lock:
                self._validators[key] = v
        return v

    def _check(self, key, schema, request, instance):
        if schema is None:
            return None
        try:
            v = self._validator(key, schema, request)
            errs = sorted(v.iter_errors(prune_nulls(instance)), key=lambda e: list(e.absolute_path))
        except Exception as e:  # a schema the lab cannot evaluate: not the client's fault
            import sys
            sys.stderr.write("vcdlab: cannot evaluate schema %s: %r\n" % (key, e))
            return None
        if not errs:
            return None
        out = []
        for e in errs[:5]:
            where = "/".join(str(p) for p in e.absolute_path) or "(root)"
            out.append("%s: %s" % (where, e.message[:300]))
        return "; ".join(out)

    def validate_request(self, op, body):
        """body: parsed JSON or None (no body).  Returns an error text or None."""
        if op["body"] is None:
            return None
        if body is None:
            return "request body is required" if op["body_required"] else None
        return self._check(("req", op["path"], op["method"]), op["body"], True, body)

    def response_schema(self, op, status):
        r = op["responses"]
        code = str(status)
        if code in r:
            return True, r[code]
        if "default" in r:
            return True, r["default"]
        return False, None

    def validate_response(self, op, status, body):
        """Returns an error text or None.  body: parsed JSON or None."""
        known, schema = self.response_schema(op, status)
        if not known:
            if status >= 400:
                schema = {"$ref": "#/definitions/Error"}
            elif status == 202 and body is None:
                return None  # any call may go asynchronous (document's info section)
            else:
                return "status %d is not a documented response (documented: %s)" % (
                    status, ", ".join(sorted(op["responses"])) or "none")
        if schema is None:
            return None if body is None else None
        if body is None:
            return "response body missing for status %d" % status
        return self._check(("resp", op["path"], op["method"], str(status) if known else "err"),
                           schema, False, body)


def prune_nulls(x):
    if isinstance(x, dict):
        return {k: prune_nulls(v) for k, v in x.items() if v is not None}
    if isinstance(x, list):
        return [prune_nulls(v) for v in x]
    return x
