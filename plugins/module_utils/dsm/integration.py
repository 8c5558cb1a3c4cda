# -*- coding: utf-8 -*-
# Copyright: (c) 2026, vcdops.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""DSE <-> DSM integration on the VCD side: the modelled contract A37, implemented here only.

Known (DSE 1.5 with DSM 2.1+): the provider connects DSE to DSM (provider Kubernetes cluster, Data Solutions
Operator, DSM Consumption Operator, DSM base URL, admin user and password, DSM CA certificate) and sees the
connection status; DSE discovers DSM's infrastructure policies and backup locations, which the provider
publishes per tenant; "DSM Postgres" and "DSM MySQL" are data solutions published like DSE's own.

Modelled (docs/assumptions.md, A37):

* ``vmware:dsmIntegration:0.1`` - one entity in System, ``entity.spec`` = ``{kubernetesCluster{name},
  dataSolutionsOperator{namespace}, consumptionOperator{namespace, authSecretName}, dsm{url, username,
  password (secure), rootCa}, allowedInfrastructurePolicies[], allowedBackupLocations[], solutions{postgres,
  mysql}}``; the operator reports ``entity.status.connection{state CONNECTED|ERROR, message}``, the operators'
  states and what it discovered.
* ``vmware:dsmInfrastructurePolicy:0.1`` and ``vmware:dsmBackupLocation:0.1`` - one entity per discovered
  policy / backup location (name = DSM name); published to a tenant = a ReadOnly membership ACL for the org on
  it, as DSE's dsConfigs.
* the two DSM solutions are dsConfig entities, published with the DSE flow (``vcd/dse.py``).
"""

from __future__ import annotations

import os
import tempfile

from ..common.flow import InputError
from ..vcd import dse, rights
from ..vcd.client import VcdError, VcdNotFound, uuid_of
from ..vcd.rde import Rde, type_urn

INTEGRATION = ("vmware", "dsmIntegration", "0.1")
POLICY = ("vmware", "dsmInfrastructurePolicy", "0.1")
BACKUP = ("vmware", "dsmBackupLocation", "0.1")
ENTITY_NAME = "dsm-integration"
DEFAULT_SOLUTIONS = {"postgres": "DSM Postgres", "mysql": "DSM MySQL"}
READ_ONLY = "urn:vcloud:accessLevel:ReadOnly"
KINDS = {"policies": (POLICY, "infrastructure policy"), "backup_locations": (BACKUP, "backup location")}


class NotDiscovered(InputError):
    """A policy, backup location or DSM solution VCD does not know (yet): DSE is not connected to DSM, or DSM
    lacks it."""


def solution_names(overrides=None):
    names = dict(DEFAULT_SOLUTIONS)
    names.update(dict((k, v) for k, v in (overrides or {}).items() if v))
    unknown = sorted(set(names) - set(DEFAULT_SOLUTIONS))
    if unknown:
        raise InputError("solution_names knows postgres and mysql, not %s" % ", ".join(unknown))
    return names


def find_integration(rde):
    found = rde.list(*INTEGRATION)
    if len(found) > 1:
        raise VcdError("VCD holds %d %s entities; the integration expects one" % (len(found), ":".join(INTEGRATION)))
    return found[0] if found else None


def integration_type():
    return type_urn(*INTEGRATION)


def verify_dsm(url, username, password, ca_pem, timeout=30):
    """Log in to DSM with the admin user, trusting only ``ca_pem``: a wrong CA or password fails here,
    before VCD is changed."""
    from .client import DsmClient, DsmError, DsmUnreachable
    fd, path = tempfile.mkstemp(prefix="vcdops-dsm-ca-", suffix=".pem")
    try:
        with os.fdopen(fd, "w") as handle:
            handle.write(ca_pem)
        client = DsmClient(url, username=username, password=password, ca_path=path, request_timeout=timeout,
                           retries=1)
        try:
            client.login()
        except DsmUnreachable:
            raise
        except DsmError as exc:
            if "TLS verification" in exc.message:
                raise InputError("the DSM CA certificate does not verify %s: %s" % (url, exc.message))
            raise InputError("cannot connect to DSM with the given settings: %s" % exc.message)
        if "DSM_ADMIN" not in (client.roles or []):
            raise InputError("DSM user %s has roles %s; the integration needs a DSM_ADMIN" % (
                username, ", ".join(client.roles) or "none"))
        return client.roles
    finally:
        os.unlink(path)


def _member(acl):
    if acl.get("grantType") != "MembershipAccessControlGrant":
        return None
    member = acl.get("memberId") or ""
    return uuid_of(member) if ":org:" in member else None


class DsmPublication:
    """Policies, backup locations and DSM solutions per tenant: few list reads, one write per real change."""

    def __init__(self, client, names=None):
        self.client = client
        self.rde = Rde(client)
        self.names = solution_names(names)

    def load(self, want_solutions):
        c = self.client
        self.orgs = dict((o["name"], o) for o in c.list(rights.ORGS) if o["name"].lower() != "system")
        self.org_by_uuid = dict((uuid_of(o["id"]), o) for o in self.orgs.values())
        self.items, self.acls = {}, {}
        for kind, (t, _what) in KINDS.items():
            self.items[kind] = dict((e["name"], e) for e in self.rde.list(*t))
            for entity in self.items[kind].values():
                self.acls[entity["id"]] = self.rde.access_controls(entity["id"])
        offered = dse.configs(self.rde)
        self.present = sorted(n for n in self.names.values() if n in offered)
        self.solutions = None
        if self.present:
            self.solutions = dse.Publication(c)
            self.solutions.load(self.present)
        return self

    def resolve(self, tenants):
        """Check names before any write; returns [{org, policies, backup_locations, solutions}]."""
        unknown = sorted(set(t["name"] for t in tenants if t["name"] not in self.orgs))
        if unknown:
            raise InputError("unknown tenant org%s %s" % ("s" if len(unknown) > 1 else "", ", ".join(unknown)))
        out = []
        for t in tenants:
            entry = {"org": self.orgs[t["name"]]}
            for kind, (_type, what) in KINDS.items():
                names = list(t.get(kind) or [])
                missing = sorted(set(n for n in names if n not in self.items[kind]))
                if missing:
                    known = ", ".join(sorted(self.items[kind])) or "none"
                    raise NotDiscovered(
                        "tenant %s: %s %s %s not discovered by VCD from DSM (VCD knows: %s); create it in DSM and "
                        "connect DSE to DSM first" % (t["name"], what, ", ".join(missing),
                                                      "is" if len(missing) == 1 else "are", known))
                entry[kind] = sorted(set(names))
            sols = []
            for s in t.get("solutions") or []:
                name = self.names.get(s, s)
                if name not in self.names.values():
                    raise InputError("tenant %s: unknown DSM solution %s (use postgres, mysql or %s)" % (
                        t["name"], s, ", ".join(sorted(self.names.values()))))
                if name not in self.present:
                    raise NotDiscovered("tenant %s: VCD does not offer the DSM solution %s yet: connect DSE to DSM "
                                        "(vcdops.platform.vcd_dsm_connection) first" % (t["name"], name))
                sols.append(name)
            entry["solutions"] = sorted(set(sols))
            out.append(entry)
        return out

    def holders(self, entity_id):
        return dict((m, a) for m, a in ((_member(a), a) for a in self.acls.get(entity_id, [])) if m)

    def view(self):
        """{org name: {policies, backup_locations, solutions}} as VCD has it now."""
        out = {}
        for kind in KINDS:
            for name, entity in self.items[kind].items():
                for org_uuid in self.holders(entity["id"]):
                    org = self.org_by_uuid.get(org_uuid)
                    if org:
                        out.setdefault(org["name"], _empty())[kind].append(name)
        if self.solutions is not None:
            for org_name, sols in self.solutions.tenant_view(self.present).items():
                out.setdefault(org_name, _empty())["solutions"] = sols
        return dict((k, dict((kk, sorted(vv)) for kk, vv in v.items())) for k, v in out.items())

    def plan(self, wanted, exclusive=True):
        ops = []
        by_uuid = dict((uuid_of(w["org"]["id"]), w) for w in wanted)
        for kind, (_type, what) in KINDS.items():
            for name, entity in sorted(self.items[kind].items()):
                holders = self.holders(entity["id"])
                for org_uuid, w in sorted(by_uuid.items(), key=lambda kv: kv[1]["org"]["name"]):
                    if name in w[kind] and org_uuid not in holders:
                        ops.append({"op": "grant", "entity": entity["id"], "on": "%s %s" % (what, name),
                                    "org": w["org"]["name"], "org_id": w["org"]["id"]})
                for org_uuid, acl in sorted(holders.items()):
                    w = by_uuid.get(org_uuid)
                    if (w is not None and name not in w[kind]) or (w is None and exclusive):
                        org = self.org_by_uuid.get(org_uuid) or {"name": org_uuid}
                        ops.append({"op": "revoke", "entity": entity["id"], "on": "%s %s" % (what, name),
                                    "acl": acl["id"], "org": org["name"]})
        pubs = []
        if self.solutions is None:
            return ops
        for sol in self.present:
            tenants = dict((u, w["org"]) for u, w in by_uuid.items() if sol in w["solutions"])
            if not exclusive:
                for org_uuid in self.solutions._holders(self.solutions.acls[sol]):
                    if org_uuid not in by_uuid and org_uuid in self.org_by_uuid:
                        tenants[org_uuid] = self.org_by_uuid[org_uuid]
            pubs.append({"solution": sol, "tenants": tenants})
        self.publications = pubs
        ops.extend(dict(op, on=op.get("on") or "rights bundle") for op in self.solutions.plan(pubs))
        return ops

    def after(self, wanted, exclusive=True):
        view = self.view() if not exclusive else {}
        for w in wanted:
            view[w["org"]["name"]] = {"policies": w["policies"], "backup_locations": w["backup_locations"],
                                      "solutions": w["solutions"]}
        return dict((k, v) for k, v in view.items() if any(v.values()))

    def apply(self, ops):
        solution_ops = []
        for op in ops:
            if op["op"] == "grant" and op["entity"] in self.acls:
                self._grant(op)
            elif op["op"] == "revoke" and op["entity"] in self.acls:
                self.rde.revoke(op["entity"], op["acl"])
            else:
                solution_ops.append(op)
        if solution_ops:
            self.solutions.apply(solution_ops)

    def _grant(self, op):
        try:
            self.rde.grant(op["entity"], op["org_id"], "ReadOnly", tenant_id=op["org_id"])
        except VcdError as exc:
            if exc.__class__.__name__ == "VcdConnectionLost" and any(
                    _member(a) == uuid_of(op["org_id"]) for a in self.rde.access_controls(op["entity"])):
                return
            raise


def _empty():
    return {"policies": [], "backup_locations": [], "solutions": []}


__all__ = ["DsmPublication", "find_integration", "verify_dsm", "solution_names", "VcdNotFound"]
