# -*- coding: utf-8 -*-
# Copyright: (c) 2026, vcdops.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Lookups shared by the org, VDC, network and catalog modules."""

from __future__ import annotations

from .client import VcdNotFound, uuid_of

ORGS = "/cloudapi/1.0.0/orgs"
VDCS = "/cloudapi/1.0.0/vdcs"


def find_org(client, name):
    return client.find_one(ORGS, "org %s" % name, name=name)


def require_org(client, name):
    org = find_org(client, name)
    if org is None:
        raise VcdNotFound("org %s does not exist" % name)
    return org


def find_vdc(client, org_name, vdc_name):
    """(org, vdc) by names; vdc is ``None`` when absent, org must exist."""
    org = require_org(client, org_name)
    vdc = client.find_one(VDCS, "VDC %s in org %s" % (vdc_name, org_name), name=vdc_name,
                          **{"org.id": org["id"]})
    return org, vdc


def require_vdc(client, org_name, vdc_name):
    org, vdc = find_vdc(client, org_name, vdc_name)
    if vdc is None:
        raise VcdNotFound("VDC %s does not exist in org %s" % (vdc_name, org_name))
    return org, vdc


def admin_org(client, org_id):
    return client.get("/api/admin/org/%s" % uuid_of(org_id), legacy=True)


def link(obj, rel, type_suffix=None):
    """The href of the first link of ``obj`` with ``rel`` (and a type ending in ``type_suffix``)."""
    for item in obj.get("link") or []:
        if item.get("rel") == rel and (type_suffix is None or str(item.get("type", "")).endswith(type_suffix)):
            return item.get("href")
    return None
