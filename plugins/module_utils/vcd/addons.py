# -*- coding: utf-8 -*-
# Copyright: (c) 2026, vcdops.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Solution Add-Ons (VCD 10.4.1+, api-reference §3) on top of :class:`Rde`.

One place for: the RDE types and behaviour ids, the landing zone, add-on and
instance lookups, the typing of manifest inputs (``input-`` prefix), the
behaviour invocations (create, delete, publish) and the certificate library
(the add-on's ``certificate.pem`` must be trusted there).

Modelled (docs/assumptions.md): instance status values and the task result text
(A14); the delete ``name`` argument is the instance name (A15); upgrade,
rollback, retry and other day-2 operations are not supported (A16).
"""

from __future__ import annotations

import datetime
import re

from ..common.flow import InputError
from ..common.iso import pem_bodies, same_certificate
from .client import VcdConnectionLost, VcdError, fiql
from .rde import API

LZ_TYPE = ("vmware", "solutions_organization", "1.0.0")
ADDON_TYPE = ("vmware", "solutions_add_on", "1.0.0")
INSTANCE_TYPE = ("vmware", "solutions_add_on_instance", "1.0.0")
LZ_NAME = "Solutions Organization"
CREATE_INSTANCE = "urn:vcloud:behavior-interface:createInstance:vmware:solutions_add_on:1.0.0"
INSTANCE_INVOKE = "urn:vcloud:behavior-interface:invoke:vmware:solutions_add_on_instance:1.0.0"
BUILTIN_ADDONS = ("solution-addon-landing-zone", "solutions-agent", "autoscale")
CERT_LIBRARY = API + "/ssl/certificateLibrary"
MASK = "******"
_BOOL_TEXT = {"true": True, "false": False}
_INT_RE = re.compile(r"^[-+]?\d+$")


def type_id(rde_type):
    return "urn:vcloud:type:%s:%s:%s" % rde_type


def now_rfc3339():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


# ------------------------------------------------------------------ landing zone
def landing_zones(rde):
    return rde.list(*LZ_TYPE)


def landing_zone(rde):
    """The landing zone entity (there is one per VCD), or None."""
    found = landing_zones(rde)
    if len(found) > 1:
        raise VcdError("VCD holds %d landing zones (%s); there must be exactly one: delete the extra ones"
                       % (len(found), ", ".join(e["id"] for e in found)))
    return found[0] if found else None


# ------------------------------------------------------------------ add-ons
def addon_view(entity):
    body = entity.get("entity") or {}
    manifest = body.get("manifest") or {}
    origin = body.get("origin") or {}
    return {
        "id": entity.get("id"), "name": entity.get("name"), "state": entity.get("entityState") or entity.get("state"),
        "vendor": manifest.get("vendor"), "addon_name": manifest.get("name"), "version": manifest.get("version"),
        "friendly_name": manifest.get("friendlyName"), "status": body.get("status"),
        "catalog_item_id": origin.get("catalogItemId"), "accepted_by": origin.get("acceptedBy"),
        "accepted_on": origin.get("acceptedOn"),
        "inputs": [dict((k, v) for k, v in i.items() if k != "default" or not i.get("secure"))
                   for i in manifest.get("inputs") or []],
    }


def is_builtin(entity):
    return ((entity.get("entity") or {}).get("manifest") or {}).get("name") in BUILTIN_ADDONS


def list_addons(rde, include_builtin=False):
    return [e for e in rde.list(*ADDON_TYPE) if include_builtin or not is_builtin(e)]


def find_addon(rde, ref):
    """An add-on by RDE name (``vendor.name-version``) or by manifest name when one version exists."""
    found = rde.list(*ADDON_TYPE, name=ref)
    if len(found) == 1:
        return found[0]
    if len(found) > 1:
        raise VcdError("add-on %s is ambiguous: %d add-on entities carry that name" % (ref, len(found)))
    matches = [e for e in list_addons(rde) if ((e.get("entity") or {}).get("manifest") or {}).get("name") == ref]
    if len(matches) > 1:
        raise VcdError("add-on %s is ambiguous: versions %s are present; name it as <vendor>.<name>-<version>"
                       % (ref, ", ".join(sorted(e["name"] for e in matches))))
    return matches[0] if matches else None


def addon_entity(iso, catalog_item_id, accepted_by):
    """The add-on RDE body for an ISO read by :func:`iso.read_addon_iso`."""
    return {"eula": iso["eula"], "icon": iso["icon"], "manifest": iso["manifest"],
            "origin": {"type": "CATALOG", "acceptedBy": accepted_by or "administrator",
                       "acceptedOn": now_rfc3339(), "catalogItemId": catalog_item_id},
            "status": "READY"}


# ------------------------------------------------------------------ instances
def list_instances(rde, addon_id=None, name=None):
    clauses = {}
    if addon_id:
        clauses["entity.prototype"] = addon_id
    if name:
        clauses["entity.name"] = name
    return rde.list(*INSTANCE_TYPE, **clauses)


def find_instance(rde, addon_id, name):
    found = list_instances(rde, addon_id, name)
    resolved = [e for e in found if (e.get("entityState") or e.get("state")) == "RESOLVED"]
    if len(resolved) > 1:
        raise VcdError("add-on instance %s is ambiguous: %d instances of %s carry that name"
                       % (name, len(resolved), addon_id))
    if resolved:
        return resolved[0]
    return found[0] if found else None


def instance_view(entity, secure=()):
    body = entity.get("entity") or {}
    scope = body.get("scope") or {}
    props = dict(body.get("properties") or {})
    for key in secure:
        if key in props:
            props[key] = MASK
    return {
        "id": entity.get("id"), "name": body.get("name") or entity.get("name"),
        "state": entity.get("entityState") or entity.get("state"), "addon_id": body.get("prototype"),
        "status": body.get("status"), "solution_name": body.get("addonInstanceSolutionName"),
        "properties": props,
        "tenants": sorted(scope.get("tenants") or []), "all_tenants": bool(scope.get("allTenants")),
        "requests": body.get("requests") or [],
    }


def _values(spec):
    values = spec.get("values")
    if values is None:
        return None
    if isinstance(values, dict):
        return list(values.values()) + list(values.keys())
    return [v.get("value") if isinstance(v, dict) and "value" in v else v for v in values]


def _one(spec, value, label):
    kind = spec.get("type") or "String"
    if kind == "Boolean":
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in _BOOL_TEXT:
            return _BOOL_TEXT[value.strip().lower()]
        raise InputError("%s must be a Boolean (true or false), got %r" % (label, value))
    if kind == "Integer":
        if isinstance(value, bool):
            raise InputError("%s must be an Integer, got the Boolean %r" % (label, value))
        if isinstance(value, int):
            return value
        if isinstance(value, str) and _INT_RE.match(value.strip()):
            return int(value.strip())
        if isinstance(value, float) and value.is_integer():
            return int(value)
        raise InputError("%s must be an Integer, got %r" % (label, value))
    if not isinstance(value, str):
        shown = MASK if spec.get("secure") else repr(value)
        raise InputError("%s must be a String, got %s %s" % (label, type(value).__name__, shown))
    shown = MASK if spec.get("secure") else repr(value)
    if spec.get("minLength") is not None and len(value) < int(spec["minLength"]):
        raise InputError("%s must be at least %s characters long, got %s" % (label, spec["minLength"], shown))
    if spec.get("maxLength") is not None and len(value) > int(spec["maxLength"]):
        raise InputError("%s must be at most %s characters long, got %s" % (label, spec["maxLength"], shown))
    pattern = spec.get("validation")
    if isinstance(pattern, dict):
        pattern = pattern.get("regex") or pattern.get("pattern")
    if isinstance(pattern, str) and pattern:
        try:
            ok = re.search(pattern, value) is not None
        except re.error:
            ok = True  # a pattern Python cannot read is left to the add-on
        if not ok:
            raise InputError("%s does not match the add-on's validation %s: %s" % (label, pattern, shown))
    return value


def coerce_value(spec, value, label):
    """One input value typed as the manifest says (raises InputError)."""
    if spec.get("isArray"):
        if not isinstance(value, list):
            raise InputError("%s must be a list of %s values" % (label, spec.get("type") or "String"))
        typed = [_one(spec, v, "%s[%d]" % (label, i)) for i, v in enumerate(value)]
    else:
        typed = _one(spec, value, label)
    allowed = _values(spec)
    if allowed:
        for item in (typed if isinstance(typed, list) else [typed]):
            if item not in allowed:
                raise InputError("%s must be one of %s, got %r" % (label, ", ".join(str(a) for a in allowed),
                                                                   MASK if spec.get("secure") else item))
    return typed


def typed_inputs(manifest, given, operation="create", addon_name=None):
    """Check and type ``given`` inputs against the manifest.

    Returns ``(arguments, properties, secure)``: the behaviour arguments with the
    ``input-`` prefix (defaults included), the unprefixed values the user gave,
    and the names of secure inputs.  Raises InputError naming every problem.
    """
    specs = dict((i["name"], i) for i in (manifest or {}).get("inputs") or [] if isinstance(i, dict))
    what = addon_name or "%s.%s-%s" % ((manifest or {}).get("vendor"), (manifest or {}).get("name"),
                                       (manifest or {}).get("version"))
    wanted = dict((n, s) for n, s in specs.items() if bool(s.get("delete")) == (operation == "delete"))
    problems = []
    unknown = sorted(set(given or {}) - set(wanted))
    if unknown:
        other = sorted(n for n in unknown if n in specs)
        strange = sorted(n for n in unknown if n not in specs)
        if strange:
            problems.append("add-on %s has no input %s (its %s inputs: %s)" % (
                what, ", ".join(strange), operation, ", ".join(sorted(wanted)) or "none"))
        if other:
            problems.append("input %s of add-on %s is for %s only" % (
                ", ".join(other), what, "deletion" if operation == "create" else "creation"))
    arguments, properties = {}, {}
    for name, spec in sorted(wanted.items()):
        label = "input %s" % name
        if name in (given or {}) and given[name] is not None:
            try:
                value = coerce_value(spec, given[name], label)
            except InputError as exc:
                problems.append(str(exc))
                continue
            properties[name] = value
            arguments["input-" + name] = value
        elif spec.get("default") is not None:
            try:
                arguments["input-" + name] = coerce_value(spec, spec["default"], label + " (default)")
            except InputError as exc:
                problems.append(str(exc))
        elif spec.get("required"):
            problems.append("input %s of add-on %s is required (%s)" % (
                name, what, spec.get("title") or spec.get("description") or spec.get("type", "String")))
    if problems:
        raise InputError("; ".join(problems))
    secure = sorted(n for n, s in specs.items() if s.get("secure"))
    return arguments, properties, secure


def input_drift(properties, given, secure=()):
    """Inputs whose wanted value differs from an existing instance's (secure ones cannot be compared)."""
    drift = {}
    for name, value in (given or {}).items():
        if name in secure:
            continue
        have = (properties or {}).get(name)
        if have == MASK:
            continue
        # an add-on may keep values as text: "true" and True are the same input
        if have != value and str(have).lower() != str(value).lower():
            drift[name] = {"instance": have, "wanted": value}
    return drift


def _settled_instance(rde, addon_id, name):
    return rde.client._settle(lambda: find_instance(rde, addon_id, name))


def create_instance(rde, addon, name, arguments):
    """Invoke ``createInstance`` on the add-on; return the new instance entity.

    A lost answer is never answered with a second invocation: the instance is
    looked for instead (this is what prevents duplicates).
    """
    args = {"operation": "create instance", "name": name}
    args.update(arguments)
    try:
        result = rde.invoke(addon["id"], CREATE_INSTANCE, args, what="create instance %s of %s" % (name, addon["name"]))
    except VcdConnectionLost:
        found = _settled_instance(rde, addon["id"], name)
        if found is None:
            raise VcdError("create instance %s: the connection broke and no instance appeared; run again" % name)
        return found, None
    found = find_instance(rde, addon["id"], name) or _settled_instance(rde, addon["id"], name)
    if found is None:
        raise VcdError("createInstance of %s finished but instance %s cannot be found (result: %s)"
                       % (addon["name"], name, result))
    return found, result


def delete_instance(rde, instance, arguments):
    args = {"operation": "delete instance", "name": instance_view(instance)["name"]}
    args.update(arguments)
    return rde.invoke(instance["id"], INSTANCE_INVOKE, args, what="delete add-on instance %s" % args["name"])


def publish_instance(rde, instance, tenants, all_tenants):
    name = instance_view(instance)["name"]
    args = {"operation": "publish instance", "name": name, "scope": ",".join(tenants or []),
            "scope-all": bool(all_tenants)}
    return rde.invoke(instance["id"], INSTANCE_INVOKE, args, what="publish add-on instance %s" % name)


# ------------------------------------------------------------------ certificate library
def certificate_items(client):
    return client.list(CERT_LIBRARY)


def trusted_item(items, pem):
    for item in items:
        if same_certificate(item.get("certificate"), pem):
            return item
    return None


def find_certificate_alias(client, alias):
    flt, enc = fiql(alias=alias)
    found = client.list(CERT_LIBRARY, filter=flt, encoded=enc)
    found = [i for i in found if i.get("alias") == alias]
    return found[0] if found else None


def add_certificate(client, alias, pem, description=None, private_key=None, passphrase=None):
    if not pem_bodies(pem):
        raise InputError("certificate %s is not a PEM certificate" % alias)
    body = {"alias": alias[:128], "certificate": pem}
    if description:
        body["description"] = description
    if private_key:
        body["privateKey"] = private_key
    if passphrase:
        body["privateKeyPassphrase"] = passphrase
    return client.create(CERT_LIBRARY, body, "certificate library item %s" % alias,
                         find=lambda: find_certificate_alias(client, alias[:128]))


def addon_certificate_alias(iso_file_name):
    """``addon.<iso>_<RFC3339>`` as VCD's UI names it (at most 128 characters)."""
    stamp = now_rfc3339()
    base = "addon.%s" % iso_file_name
    return ("%s_%s" % (base[:127 - len(stamp)], stamp))[:128]
