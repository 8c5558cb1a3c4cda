# -*- coding: utf-8 -*-
# Copyright: (c) 2026, vcdops.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Data Solutions Extension (api-reference §4): registry configuration and publishing.

Solutions are found by name (``entity.spec.artifacts[0].name`` of their
``vmware:dsConfig`` entity), never from a fixed list, so that any data solution
the extension offers (DSM Postgres and MySQL included) works the same way.

Publishing a solution to an org (as VCD's UI does it):

1. Confluent Platform only: a ``vmware:dsOrgConfig`` entity named after the org's
   URN holds its licence;
2. the rights bundle ``vmware:dataSolutionsRightsBundle`` is published to the org;
3. a ReadOnly membership ACL for the org on the solution's dsConfig (this ACL *is*
   "published");
4. the same ACL on the dsConfig of "VCD Data Solutions" (the operator);
5. the same ACL on every RESOLVED instance template of the solution's type.

Unpublishing is asymmetric: only the solution's own ACL (and Confluent's
dsOrgConfig) go; the operator and template ACLs and the rights bundle stay.

:class:`Publication` reads everything it needs with a fixed number of list reads
(whatever the number of tenants), plans the whole change, and applies it with one
write per real change (one call for the rights bundle, whatever the number of orgs).
"""

from __future__ import annotations

import copy

from ..common.flow import InputError
from . import rights
from .client import VcdError, VcdNotFound, uuid_of
from .rde import Rde

DSCONFIG = ("vmware", "dsConfig", "0.1")
TEMPLATE = ("vmware", "dsInstanceTemplate", "0.1")
ORGCONFIG = ("vmware", "dsOrgConfig", "0.1.1")
DSO = "VCD Data Solutions"
CONFLUENT = "Confluent Platform"
RIGHTS_BUNDLE = "vmware:dataSolutionsRightsBundle"
READ_ONLY = "urn:vcloud:accessLevel:ReadOnly"
MASK = "******"
LICENSE_TYPES = ("With License", "No License")
# live field -> default field, per artifact type
CHART_FIELDS = (("chartRepository", "defaultChartRepository"), ("packageName", "defaultPackageName"),
                ("version", "defaultVersion"))
PACKAGE_FIELDS = (("image", "defaultImage"), ("version", "defaultVersion"))
ORGCONFIG_NAME = "data-solutions-confluent-platform-org-config"


def artifact(entity):
    arts = (((entity or {}).get("entity") or {}).get("spec") or {}).get("artifacts") or [{}]
    return arts[0] or {}


def solution_name(entity):
    return artifact(entity).get("name")


def solution_type(entity):
    return (((entity or {}).get("entity") or {}).get("spec") or {}).get("solutionType")


def configs(rde):
    """{solution name: dsConfig entity} (one list read)."""
    out = {}
    for entity in rde.list(*DSCONFIG):
        name = solution_name(entity)
        if name:
            out[name] = entity
    return out


def require(configs_by_name, names):
    """Fail, before any write, on solution names the extension does not offer."""
    if not configs_by_name:
        raise VcdNotFound("no data solutions are configured in VCD (no %s:%s entities): install the Data "
                          "Solutions extension (an instance of its add-on) first" % DSCONFIG[:2])
    unknown = sorted(set(n for n in names if n not in configs_by_name))
    if unknown:
        raise InputError("unknown data solution%s %s; VCD offers: %s" % (
            "s" if len(unknown) > 1 else "", ", ".join(unknown), ", ".join(sorted(configs_by_name))))


def fields_of(art):
    return CHART_FIELDS if art.get("type") == "ChartRepository" else PACKAGE_FIELDS


# ------------------------------------------------------------------ registry
def registry_view(entity, with_defaults=True):
    art = artifact(entity)
    fields = fields_of(art)
    live = dict((field, art.get(field)) for field, _default in fields)
    defaults = dict((live, art.get(default)) for live, default in fields)
    view = {"solution": art.get("name"), "id": entity.get("id"), "artifact_type": art.get("type"),
            "solution_type": solution_type(entity), "state": entity.get("entityState") or entity.get("state"),
            "uses_defaults": live == defaults}
    view.update(_snake(live))
    if with_defaults:
        view["defaults"] = _snake(defaults)
    auths = ((((entity.get("entity") or {}).get("spec") or {}).get("dockerConfig") or {}).get("auths")) or {}
    view["registries"] = sorted(({"host": host, "username": (a or {}).get("username"),
                                  "description": (a or {}).get("description") or ""}
                                 for host, a in auths.items()), key=lambda r: r["host"])
    return view


def _snake(fields):
    names = {"chartRepository": "chart_repository", "packageName": "package_name", "image": "image",
             "version": "version"}
    return dict((names[k], v) for k, v in fields.items())


def wanted_registry(entity, params):
    """The live artifact fields (camelCase) the parameters ask for, and problems."""
    art = artifact(entity)
    fields = fields_of(art)
    chart = art.get("type") == "ChartRepository"
    given = {"chartRepository": params.get("chart_repository"), "packageName": params.get("package_name"),
             "image": params.get("image"), "version": params.get("version")}
    if params.get("state") == "absent" or params.get("use_defaults"):
        return dict((live, art.get(default)) for live, default in fields)
    wrong = [k for k in (("image",) if chart else ("chartRepository", "packageName")) if given[k]]
    if wrong:
        raise InputError("%s is a %s solution: it takes %s, not %s" % (
            art.get("name"), "chart" if chart else "package",
            "chart_repository, package_name and version" if chart else "image and version",
            ", ".join(_snake(dict((w, 1) for w in wrong)))))
    out = {}
    for live, _default in fields:
        if given[live] is not None:
            out[live] = given[live]
    return out


def wanted_auths(current_auths, registries, update_password):
    """dockerConfig.auths for ``registries`` (None = leave alone); masked passwords kept unless asked."""
    if registries is None:
        return None
    out = {}
    for reg in registries:
        have = (current_auths or {}).get(reg["host"]) or {}
        password = reg.get("password")
        if password is None:
            # not given: keep what VCD holds
            password = have.get("password")
        elif have.get("password") == MASK and update_password == "on_create":
            # VCD masks the value: sending the mask back keeps it (api-reference §2, secure fields)
            password = MASK
        entry = {"username": reg.get("username") or "", "password": password or ""}
        if reg.get("description"):
            entry["description"] = reg["description"]
        out[reg["host"]] = entry
    return out


# ------------------------------------------------------------------ publishing
def _member(acl):
    """The org UUID a ReadOnly org-membership ACL grants to (None for other ACLs)."""
    if acl.get("grantType") != "MembershipAccessControlGrant":
        return None
    member = acl.get("memberId") or ""
    if ":org:" not in member:
        return None
    return uuid_of(member)


class Publication:
    """Read, plan and apply the publication of data solutions to orgs."""

    def __init__(self, client):
        self.client = client
        self.rde = Rde(client)
        self.reads = 0

    # ---------------------------------------------------------------- read
    def load(self, solutions):
        """Read what publishing ``solutions`` involves; fails on unknown names before any write."""
        c = self.client
        self.orgs = dict((o["name"], o) for o in c.list(rights.ORGS) if o["name"].lower() != "system")
        self.org_by_uuid = dict((uuid_of(o["id"]), o) for o in self.orgs.values())
        self.configs = configs(self.rde)
        require(self.configs, list(solutions) + [DSO])
        self.managed = sorted(set(solutions))
        self.acls = {}
        for name in sorted(set(self.managed + [DSO])):
            self.acls[name] = self.rde.access_controls(self.configs[name]["id"])
        types = set(solution_type(self.configs[n]) for n in self.managed)
        self.templates = {}
        for tmpl in self.rde.list(*TEMPLATE, state="RESOLVED"):
            stype = solution_type(tmpl)
            if stype in types:
                self.templates.setdefault(stype, []).append(tmpl)
        self.template_acls = {}
        for stype in sorted(self.templates):
            for tmpl in self.templates[stype]:
                self.template_acls[tmpl["id"]] = self.rde.access_controls(tmpl["id"])
        self.bundle = rights.find_bundle(c, RIGHTS_BUNDLE)
        if self.bundle is None:
            raise VcdError("rights bundle %s does not exist: is the Data Solutions extension installed?" % RIGHTS_BUNDLE)
        self.bundle_tenants = set(uuid_of(i) for i in rights.tenants_of(c, rights.BUNDLES, self.bundle["id"]).values())
        self.org_configs = {}
        if CONFLUENT in self.managed:
            for entity in self.rde.list(*ORGCONFIG):
                self.org_configs.setdefault(uuid_of(entity.get("name")), []).append(entity)
        return self

    def resolve_tenants(self, tenants):
        """Org names -> {uuid: org}; "all" means every tenant org; unknown names fail before any write."""
        names = list(tenants or [])
        if any(str(n).lower() == "all" for n in names):
            return dict((uuid_of(o["id"]), o) for o in self.orgs.values())
        unknown = sorted(set(n for n in names if n not in self.orgs))
        if unknown:
            raise InputError("unknown tenant org%s %s (VCD has %d tenant orgs)" % (
                "s" if len(unknown) > 1 else "", ", ".join(unknown), len(self.orgs)))
        return dict((uuid_of(self.orgs[n]["id"]), self.orgs[n]) for n in names)

    def _holders(self, acls):
        return set(m for m in (_member(a) for a in acls) if m)

    def _acl_for(self, acls, org_uuid):
        for acl in acls:
            if _member(acl) == org_uuid:
                return acl
        return None

    def parts(self, name, org_uuid):
        """{part: present} of one solution's publication to one org."""
        out = {"acl": self._acl_for(self.acls[name], org_uuid) is not None,
               "operator": self._acl_for(self.acls[DSO], org_uuid) is not None,
               "bundle": bool(self.bundle.get("publishAll")) or org_uuid in self.bundle_tenants}
        for tmpl in self.templates.get(solution_type(self.configs[name]), []):
            out["template %s" % tmpl.get("name")] = self._acl_for(self.template_acls[tmpl["id"]], org_uuid) is not None
        if name == CONFLUENT:
            out["licence"] = bool(self.org_configs.get(org_uuid))
        return out

    def state(self, name, org_uuid):
        parts = self.parts(name, org_uuid)
        if not parts["acl"]:
            return None
        return "published" if all(parts.values()) else "partial"

    def tenant_view(self, names=None):
        """{org name: [solution names, " (partial)" when some part is missing]} for the managed solutions."""
        view = {}
        for name in names or self.managed:
            for org_uuid in self._holders(self.acls[name]):
                org = self.org_by_uuid.get(org_uuid)
                if org is None:
                    continue
                state = self.state(name, org_uuid)
                view.setdefault(org["name"], []).append(name if state == "published" else "%s (partial)" % name)
        return dict((k, sorted(v)) for k, v in view.items())

    # ---------------------------------------------------------------- plan
    def plan(self, publications):
        """Operations that make the managed solutions published to exactly the wanted orgs.

        ``publications``: ``[{solution, tenants: {uuid: org}, license_type, license_key}]``.
        """
        ops = []
        bundle_orgs = {}
        granted = set()

        def grant(entity_id, label, org):
            key = (entity_id, uuid_of(org["id"]))
            if key not in granted:
                granted.add(key)
                ops.append({"op": "grant", "entity": entity_id, "on": label, "org": org["name"], "org_id": org["id"]})

        for pub in publications:
            name = pub["solution"]
            config = self.configs[name]
            wanted = pub["tenants"]
            holders = self._holders(self.acls[name])
            for org_uuid, org in sorted(wanted.items(), key=lambda kv: kv[1]["name"]):
                parts = self.parts(name, org_uuid)
                if name == CONFLUENT:
                    if not parts["licence"]:
                        ops.append({"op": "licence", "org": org["name"], "org_id": org["id"],
                                    "license_type": pub.get("license_type") or "No License",
                                    "license_key": pub.get("license_key")})
                if not parts["bundle"]:
                    bundle_orgs[org["name"]] = org["id"]
                if not parts["acl"]:
                    grant(config["id"], name, org)
                if not parts["operator"]:
                    grant(self.configs[DSO]["id"], DSO, org)
                for tmpl in self.templates.get(solution_type(config), []):
                    if not parts["template %s" % tmpl.get("name")]:
                        grant(tmpl["id"], "template %s" % tmpl.get("name"), org)
            for org_uuid in sorted(holders - set(wanted)):
                org = self.org_by_uuid.get(org_uuid) or {"name": org_uuid, "id": "urn:vcloud:org:%s" % org_uuid}
                acl = self._acl_for(self.acls[name], org_uuid)
                ops.append({"op": "revoke", "entity": config["id"], "on": name, "acl": acl["id"],
                            "org": org["name"], "org_id": org["id"]})
                if name == CONFLUENT:
                    for entity in self.org_configs.get(org_uuid, []):
                        ops.append({"op": "delete licence", "entity": entity["id"], "org": org["name"],
                                    "org_id": org["id"]})
        if bundle_orgs:
            ops.insert(0, {"op": "bundle", "orgs": dict(sorted(bundle_orgs.items()))})
        return ops

    def after_view(self, publications):
        view = dict((k, [s for s in v if s.split(" (")[0] not in set(p["solution"] for p in publications)])
                    for k, v in self.tenant_view().items())
        for pub in publications:
            for org in pub["tenants"].values():
                view.setdefault(org["name"], []).append(pub["solution"])
        return dict((k, sorted(v)) for k, v in view.items() if v)

    # ---------------------------------------------------------------- apply
    def apply(self, ops):
        """One write per operation (the rights bundle: one call for every org)."""
        for op in ops:
            if op["op"] == "bundle":
                rights.converge_tenants(self.client, rights.BUNDLES, self.bundle, op["orgs"], mode="add")
            elif op["op"] == "grant":
                self._grant(op)
            elif op["op"] == "revoke":
                self.rde.revoke(op["entity"], op["acl"])
            elif op["op"] == "licence":
                self._licence(op)
            elif op["op"] == "delete licence":
                self.rde.delete(op["entity"])

    def _grant(self, op):
        try:
            self.rde.grant(op["entity"], op["org_id"], "ReadOnly", tenant_id=op["org_id"])
        except VcdError as exc:
            # a grant whose answer was lost may have happened: look before failing
            if exc.__class__.__name__ == "VcdConnectionLost" and self._acl_for(
                    self.rde.access_controls(op["entity"]), uuid_of(op["org_id"])):
                return
            raise

    def _licence(self, op):
        stype = solution_type(self.configs[CONFLUENT])
        body = {"kind": "DSOrgConfig", "apiVersion": "vcloud.vmware.com/v1alpha1",
                "metadata": {"name": ORGCONFIG_NAME},
                "spec": {"solutionType": stype, "data": {"LicenseType": op["license_type"]}}}
        if op.get("license_key"):
            body["spec"]["privateSecureData"] = {"LicenseKey": op["license_key"]}

        def find():
            for entity in self.rde.list(*ORGCONFIG, name=op["org_id"]):
                return entity
            return None
        self.rde.create("urn:vcloud:type:%s:%s:%s" % ORGCONFIG, op["org_id"], body, find=find)


def public_ops(ops):
    """Operations without secrets, for results and check mode."""
    out = []
    for op in ops:
        op = copy.deepcopy(op)
        if op.get("license_key"):
            op["license_key"] = MASK
        out.append(op)
    return out
