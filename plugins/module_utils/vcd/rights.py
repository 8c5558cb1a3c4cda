# -*- coding: utf-8 -*-
# Copyright: (c) 2026, vcdops.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Rights, rights bundles, global roles, org roles and publishing to tenants (api-reference §1.9).

Public interface (stable: other modules and issue #4 build on it)::

    BUNDLES, GLOBAL_ROLES, ROLES           collection paths ("kind" below is one of them)

    right_ids(client, names) -> {name: urn}
        Ids of rights by name, a few batched list reads (OR filters); raises
        VcdNotFound naming every right VCD does not know.
    find_bundle(client, name) / find_global_role(client, name) -> dict | None
    find_role(client, name, org=None) -> dict | None
        ``org`` is an org dict ``{id, name}`` (tenant context) or None for the
        session's own org.
    rights_of(client, kind, obj_id, org=None) -> {name: urn}
    replace_rights(client, kind, obj_id, ids, org=None)    PUT  …/rights (the whole set)
    add_rights(client, kind, obj_id, ids, org=None)        POST …/rights (adds)
    rights_delta(current, wanted) -> (add, remove)          name lists, sorted

    org_ids(client, names) -> {name: urn}
        One paged list of orgs; raises VcdNotFound naming every unknown org.
    tenants_of(client, kind, obj_id) -> {name: urn}
    tenant_delta(current, wanted, mode) -> (publish, unpublish)
        ``mode``: "replace" (exactly ``wanted``), "add" or "remove".
    converge_tenants(client, kind, obj, wanted, mode="replace", publish_all=None, check_mode=False) -> dict
        ``obj`` is the bundle/global role as read (``id``, ``publishAll``); ``wanted``
        {org name: org urn}.  GET …/tenants once, then at most one publish and one
        unpublish call with the whole delta (publishAll / unpublishAll when asked).
        Returns ``{changed, published: [names], unpublished: [names],
        publish_all: bool, before: [names], after: [names]}``.
"""

from __future__ import annotations

from .client import VcdError, VcdNotFound, fiql_value

API = "/cloudapi/1.0.0"
RIGHTS = API + "/rights"
BUNDLES = API + "/rightsBundles"
GLOBAL_ROLES = API + "/globalRoles"
ROLES = API + "/roles"
ORGS = API + "/orgs"
# names per OR-filter request (keeps the URL short)
BATCH = 20
BUNDLE_KEY = "com.vmware.vcloud.undefined.key"


def _batched_lookup(client, path, names, what):
    """{name: object} for every name, with OR filters of at most BATCH names."""
    names = sorted(set(names))
    found = {}
    for start in range(0, len(names), BATCH):
        chunk = names[start:start + BATCH]
        parts, encoded = [], False
        for name in chunk:
            text, enc = fiql_value(name)
            encoded = encoded or enc
            parts.append("name==%s" % text)
        for obj in client.list(path, filter=",".join(parts), encoded=encoded):
            if obj.get("name") in chunk:
                found[obj["name"]] = obj
    missing = [n for n in names if n not in found]
    if missing:
        raise VcdNotFound("%s unknown to VCD: %s" % (what, ", ".join(missing)))
    return found


def right_ids(client, names):
    """{right name: right URN}; every name must exist."""
    if not names:
        return {}
    return {n: o["id"] for n, o in _batched_lookup(client, RIGHTS, names, "rights").items()}


def org_ids(client, names):
    """{org name: org URN} from one paged list; every name must exist."""
    if not names:
        return {}
    by_name = {o["name"]: o["id"] for o in client.list(ORGS)}
    missing = sorted(set(n for n in names if n not in by_name))
    if missing:
        raise VcdNotFound("organizations unknown to VCD: %s" % ", ".join(missing))
    return {n: by_name[n] for n in names}


def _one(client, path, name, what, org=None):
    _tenant(client, org)
    try:
        return client.find_one(path, "%s %s" % (what, name), name=name)
    finally:
        _tenant(client, None, restore=org)


def _tenant(client, org, restore=None):
    """Enter an org's tenant context (``org`` dict) or leave it (restore=the org entered)."""
    if org:
        client.set_tenant(org["id"], org.get("name"))
    elif restore:
        client.set_tenant()


def find_bundle(client, name):
    return _one(client, BUNDLES, name, "rights bundle")


def find_global_role(client, name):
    return _one(client, GLOBAL_ROLES, name, "global role")


def find_role(client, name, org=None):
    return _one(client, ROLES, name, "role", org)


def rights_of(client, kind, obj_id, org=None):
    _tenant(client, org)
    try:
        return {r["name"]: r["id"] for r in client.list("%s/%s/rights" % (kind, obj_id))}
    finally:
        _tenant(client, None, restore=org)


def _rights_body(ids):
    return {"values": [{"name": n, "id": i} for n, i in sorted(ids.items())]}


def replace_rights(client, kind, obj_id, ids, org=None):
    _tenant(client, org)
    try:
        return client.write("PUT", "%s/%s/rights" % (kind, obj_id), _rights_body(ids), what="set the rights of %s" % obj_id)
    finally:
        _tenant(client, None, restore=org)


def add_rights(client, kind, obj_id, ids, org=None):
    _tenant(client, org)
    try:
        return client.write("POST", "%s/%s/rights" % (kind, obj_id), _rights_body(ids), what="add rights to %s" % obj_id)
    finally:
        _tenant(client, None, restore=org)


def rights_delta(current, wanted):
    """(names to add, names to remove)."""
    current, wanted = set(current), set(wanted)
    return sorted(wanted - current), sorted(current - wanted)


def tenants_of(client, kind, obj_id):
    return {t["name"]: t["id"] for t in client.list("%s/%s/tenants" % (kind, obj_id))}


def tenant_delta(current, wanted, mode="replace"):
    """(org names to publish to, org names to unpublish from)."""
    current, wanted = set(current), set(wanted)
    if mode == "add":
        return sorted(wanted - current), []
    if mode == "remove":
        return [], sorted(wanted & current)
    if mode != "replace":
        raise VcdError("unknown publishing mode %r (replace, add or remove)" % mode)
    return sorted(wanted - current), sorted(current - wanted)


def _refs(names, ids):
    return {"values": [{"name": n, "id": ids[n]} for n in names]}


def converge_tenants(client, kind, obj, wanted, mode="replace", publish_all=None, check_mode=False):
    """Publish ``obj`` to exactly/also/no longer the orgs in ``wanted``; see the module docstring."""
    obj_id = obj["id"]
    what = "%s %s" % (kind.rsplit("/", 1)[-1], obj.get("name") or obj_id)
    was_all = bool(obj.get("publishAll"))
    current = tenants_of(client, kind, obj_id)
    before = sorted(current)
    result = {"changed": False, "published": [], "unpublished": [], "publish_all": was_all,
              "before": before, "after": before}
    if publish_all:
        if not was_all:
            result.update(changed=True, publish_all=True, after=["*"])
            if not check_mode:
                client.write("POST", "%s/%s/tenants/publishAll" % (kind, obj_id), {}, what="publish %s to all" % what)
        return result
    ids = dict(current)
    ids.update(wanted)
    if was_all and publish_all is False:
        # from "everyone" to a list: unpublish all, then publish the list
        result.update(changed=True, publish_all=False, unpublished=["*"],
                      published=sorted(wanted) if mode != "remove" else [], after=sorted(wanted) if mode != "remove" else [])
        if not check_mode:
            client.write("POST", "%s/%s/tenants/unpublishAll" % (kind, obj_id), {}, what="unpublish %s from all" % what)
            if result["published"]:
                client.write("POST", "%s/%s/tenants/publish" % (kind, obj_id), _refs(result["published"], ids),
                             what="publish %s" % what)
        return result
    publish, unpublish = tenant_delta(current, wanted, mode)
    if was_all and mode == "replace" and publish_all is None:
        # published to everyone and nobody asked to change that: only additions make sense
        unpublish = []
    after = sorted((set(current) | set(publish)) - set(unpublish))
    result.update(changed=bool(publish or unpublish), published=publish, unpublished=unpublish, after=after)
    if check_mode:
        return result
    if publish:
        client.write("POST", "%s/%s/tenants/publish" % (kind, obj_id), _refs(publish, ids), what="publish %s" % what)
    if unpublish:
        client.write("POST", "%s/%s/tenants/unpublish" % (kind, obj_id), _refs(unpublish, ids),
                     what="unpublish %s" % what)
    return result


# ---------------------------------------------------------------------- module base
# vcd_rights_bundle, vcd_global_role and vcd_role share this flow.
try:
    from ..common.flow import InputError, ResourceModule
except ImportError:  # pragma: no cover - only when module_utils are used without Ansible
    ResourceModule = object
    InputError = ValueError

MAPPING_OPTIONS = dict(
    name=dict(type="str", required=True),
    description=dict(type="str"),
    rights=dict(type="list", elements="str"),
    rights_mode=dict(type="str", default="replace", choices=["replace", "add"]),
    state=dict(type="str", default="present", choices=["present", "absent"]),
)
PUBLISH_OPTIONS = dict(
    tenants=dict(type="list", elements="str"),
    tenants_mode=dict(type="str", default="replace", choices=["replace", "add", "remove"]),
    publish_all=dict(type="bool"),
)


class MappingModule(ResourceModule):
    """A rights bundle, global role or org role: description, rights and (bundles, global roles) tenants."""

    kind = BUNDLES
    what = "rights bundle"
    publishable = True

    def org(self):
        return None

    def read(self):
        obj = _one(self.client, self.kind, self.params["name"], self.what, self.org())
        if obj is None:
            return None
        obj = dict(obj)
        obj["_rights"] = rights_of(self.client, self.kind, obj["id"], self.org())
        if self.publishable:
            obj["_tenants"] = tenants_of(self.client, self.kind, obj["id"])
        return obj

    def view(self, current):
        out = dict(id=current.get("id"), name=current.get("name"), description=current.get("description") or "",
                   rights=sorted(current.get("_rights") or {}))
        if self.publishable:
            out["publish_all"] = bool(current.get("publishAll"))
            out["tenants"] = sorted(current.get("_tenants") or {})
        return out

    def validate(self):
        p = self.params
        if self.publishable and p.get("publish_all") and p.get("tenants") and p["tenants_mode"] != "remove":
            raise InputError("publish_all: true publishes to every organization; leave tenants out")

    def desired(self, current):
        p = self.params
        want = dict(name=p["name"], description=p.get("description"))
        if p.get("rights") is not None:
            names = sorted(set(p["rights"]))
            self._right_ids = right_ids(self.client, names)  # unknown rights fail here, before any write
            if p["rights_mode"] == "add" and current is not None:
                names = sorted(set(names) | set(current.get("_rights") or {}))
            want["rights"] = names
        if self.publishable:
            want.update(self._tenants_wanted(current))
        return want

    def _tenants_wanted(self, current):
        p = self.params
        out = {}
        if p.get("publish_all") is not None:
            out["publish_all"] = p["publish_all"]
        if p.get("tenants") is None or p.get("publish_all"):
            return out
        self._org_ids = org_ids(self.client, p["tenants"])
        cur = sorted((current or {}).get("_tenants") or {})
        pub, unpub = tenant_delta(cur, p["tenants"], p["tenants_mode"])
        out["tenants"] = sorted((set(cur) | set(pub)) - set(unpub))
        return out

    def _ids(self, names, current):
        ids = dict((current or {}).get("_rights") or {})
        ids.update(getattr(self, "_right_ids", {}))
        missing = [n for n in names if n not in ids]
        if missing:
            ids.update(right_ids(self.client, missing))
        return {n: ids[n] for n in names}

    def create(self, want):
        body = {"name": want["name"], "description": want.get("description") or "", "bundleKey": BUNDLE_KEY}
        if self.publishable:
            body["publishAll"] = False
        _tenant(self.client, self.org())
        try:
            obj = self.client.create(self.kind, body, "%s %s" % (self.what, want["name"]),
                                     find=lambda: _one(self.client, self.kind, want["name"], self.what, self.org()))
        finally:
            _tenant(self.client, None, restore=self.org())
        if want.get("rights"):
            replace_rights(self.client, self.kind, obj["id"], self._ids(want["rights"], None), self.org())
        if self.publishable:
            obj = dict(obj, publishAll=False)
            self._publish(obj, {})

    def update(self, current, want, changes):
        if "description" in changes or "name" in changes:
            body = {k: v for k, v in current.items() if not k.startswith("_")}
            body["description"] = want.get("description") or ""
            _tenant(self.client, self.org())
            try:
                self.client.write("PUT", "%s/%s" % (self.kind, current["id"]), body,
                                  what="update %s %s" % (self.what, current["name"]))
            finally:
                _tenant(self.client, None, restore=self.org())
        if "rights" in changes:
            replace_rights(self.client, self.kind, current["id"], self._ids(want["rights"], current), self.org())
        if self.publishable and ("tenants" in changes or "publish_all" in changes):
            self._publish(current, current.get("_tenants") or {})

    def _publish(self, obj, current_tenants):
        p = self.params
        if p.get("tenants") is None and p.get("publish_all") is None:
            return
        wanted = getattr(self, "_org_ids", {}) if p.get("tenants") is not None else {}
        mode = p["tenants_mode"] if p.get("tenants") is not None else "add"
        self.result_publish = converge_tenants(self.client, self.kind, obj, wanted, mode=mode,
                                               publish_all=p.get("publish_all"))

    def delete(self, current):
        _tenant(self.client, self.org())
        try:
            self.client.write("DELETE", "%s/%s" % (self.kind, current["id"]),
                              what="delete %s %s" % (self.what, current["name"]))
        finally:
            _tenant(self.client, None, restore=self.org())
