"""Certificate library (api-reference §1.9): GET|POST /cloudapi/1.0.0/ssl/certificateLibrary and
GET|PUT|DELETE …/{id}.  Items: {id, alias (required, <= 128), certificate (PEM, required), description,
privateKey}; the private key is never returned; only alias and description change on PUT.

State kind:
  certificate_item  {id urn:vcloud:certificateLibraryItem:<u>, uuid, alias, certificate, description,
                     has_key, org_id}

For other areas: `is_trusted(state, pem)` - whether the library holds a certificate (compared by its
base64 body, white space ignored), e.g. an add-on's certificate.pem.
"""
import re

from ..framework import ApiError, Forbidden, Response, bad_request, json_response, new_uuid, page, route, urn

API = "/cloudapi/1.0.0/ssl/certificateLibrary"
PEM_RX = re.compile(r"-----BEGIN CERTIFICATE-----(.+?)-----END CERTIFICATE-----", re.S)


def bodies(pem):
    return ["".join(b.split()) for b in PEM_RX.findall(pem or "")]


def is_trusted(state, pem):
    want = bodies(pem)
    if not want:
        return False
    return any(want[0] in bodies(i["certificate"]) for i in state.all("certificate_item"))


def item_json(i):
    return {"id": i["id"], "alias": i["alias"], "certificate": i["certificate"], "description": i.get("description")}


def _visible(req, i):
    if req.is_provider and not req.org_ctx_explicit:
        return True
    return i["org_id"] == req.org_ctx


def _item(req, ident):
    i = req.state.get("certificate_item", ident)
    if i is None or not _visible(req, i):
        raise Forbidden("CERTIFICATE_LIBRARY_VIEW")
    return i


def _check(req, b, exclude=None):
    alias = b.get("alias")
    if not alias or not isinstance(alias, str):
        raise bad_request("alias is required")
    if len(alias) > 128:
        raise bad_request("alias is longer than 128 characters")
    for other in req.state.all("certificate_item"):
        if other["alias"] == alias and other["id"] != exclude and other["org_id"] == req.org_ctx:
            raise ApiError(400, "DUPLICATE_NAME", "[ %s ] A certificate library item with alias %s already exists"
                           % (new_uuid(), alias))


@route("GET", API)
def library_list(req):
    items = [item_json(i) for i in sorted(req.state.all("certificate_item"), key=lambda x: x["alias"])
             if _visible(req, i)]
    return page(req, items, model="CertificateLibraryItem")


@route("POST", API)
def library_add(req):
    b = req.json or {}
    _check(req, b)
    pem = b.get("certificate") or ""
    if not bodies(pem):
        raise bad_request("certificate is not a PEM encoded certificate")
    u = new_uuid()
    # VCD removes extraneous white space and text around the PEM blocks
    clean = "\n".join("-----BEGIN CERTIFICATE-----\n%s\n-----END CERTIFICATE-----" % "\n".join(
        body[i:i + 64] for i in range(0, len(body), 64)) for body in bodies(pem)) + "\n"
    i = {"id": urn("certificateLibraryItem", u), "uuid": u, "alias": b["alias"], "certificate": clean,
         "description": b.get("description"), "has_key": bool(b.get("privateKey")), "org_id": req.org_ctx}
    req.state.put("certificate_item", i)
    return json_response(item_json(i), 201)


@route("GET", API + "/{id}")
def library_get(req):
    return json_response(item_json(_item(req, req.params["id"])))


@route("PUT", API + "/{id}")
def library_put(req):
    i = _item(req, req.params["id"])
    b = req.json or {}
    _check(req, b, exclude=i["id"])
    if b.get("certificate") and bodies(b["certificate"]) != bodies(i["certificate"]):
        raise bad_request("Only the alias and the description of a certificate library item can change")
    i.update(alias=b["alias"], description=b.get("description"))
    return json_response(item_json(i))


@route("DELETE", API + "/{id}")
def library_delete(req):
    i = _item(req, req.params["id"])
    req.state.delete("certificate_item", i["id"])
    return Response(204)
