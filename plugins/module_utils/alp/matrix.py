# -*- coding: utf-8 -*-
# Copyright: (c) 2026, vcdops.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The tenant matrix for App Launchpad: which tenant gets which application in which AZ.

Pure functions (no I/O), so that the plan can be tested without VCD.
"""

from __future__ import annotations


class MatrixError(ValueError):
    """The tenant matrix is malformed."""


def wanted(tenants, az=None, key="alp", extra_apps=None):
    """(apps, scope) from the tenant matrix.

    ``apps`` maps each managed application to the set of tenant names that must have it in ``az``;
    ``scope`` is the set of tenants of the matrix present in ``az`` (a tenant without ``azs`` is in
    every AZ).  ``extra_apps`` are managed even when no tenant lists them.
    """
    apps = {name: set() for name in (extra_apps or [])}
    scope = set()
    seen = set()
    for index, tenant in enumerate(tenants or []):
        if not isinstance(tenant, dict):
            raise MatrixError("tenants[%d] is not a mapping" % index)
        name = tenant.get("name")
        if not isinstance(name, str) or not name.strip():
            raise MatrixError("tenants[%d] has no name" % index)
        if name in seen:
            raise MatrixError("tenant %s is listed twice" % name)
        seen.add(name)
        azs = tenant.get("azs")
        if azs is not None and (not isinstance(azs, list) or not all(isinstance(a, str) for a in azs)):
            raise MatrixError("tenant %s: azs must be a list of AZ names" % name)
        if az is not None and azs is not None and az not in azs:
            continue
        scope.add(name)
        listed = tenant.get(key)
        if listed is None:
            listed = []
        if not isinstance(listed, list) or not all(isinstance(a, str) and a.strip() for a in listed):
            raise MatrixError("tenant %s: %s must be a list of application names" % (name, key))
        for app in listed:
            apps.setdefault(app, set()).add(name)
    return apps, scope


def plan(apps, current, scope, purge=False):
    """What to publish and unpublish, per application.

    ``current`` maps each application to the set of tenant names that have it now.  A tenant of the
    matrix (``scope``) loses an application it does not list; a tenant outside the matrix keeps what
    it has unless ``purge``.
    """
    add, remove = {}, {}
    for app, want in sorted(apps.items()):
        have = set(current.get(app) or ())
        plus = sorted(want - have)
        minus = sorted((have - want) if purge else ((have & scope) - want))
        if plus:
            add[app] = plus
        if minus:
            remove[app] = minus
    return add, remove
