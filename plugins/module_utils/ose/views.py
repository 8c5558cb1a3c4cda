# -*- coding: utf-8 -*-
# Copyright: (c) 2026, vcdops.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""How the OSE modules present OSE objects (normalised for comparison and diff)."""

from __future__ import annotations

KB_PER_GB = 1024 * 1024
BACKUP_SETTINGS = "/settings/kubernetes-backup"


def tenant_view(tenant):
    kb = tenant.get("hlStorageQuotaKBytes")
    quota = -1 if kb is None or int(kb) < 0 else int(kb) // KB_PER_GB
    return dict(name=tenant.get("name"), active=bool(tenant.get("active")), region=tenant.get("region"),
                storage_policy=tenant.get("storagePolicy"),
                storage_policy_locked=bool(tenant.get("storagePolicyLocked")), quota_gb=quota)


def policy_view(p):
    rep, ec = p.get("replicationScheme"), p.get("ecScheme")
    scheme = rep or ec or {}
    return dict(name=p["name"], replicas=(rep or {}).get("replicas"), ec_k=(ec or {}).get("k"),
                ec_m=(ec or {}).get("m"), data_centers=list(scheme.get("dataCenters") or []),
                region=p.get("region"), visible_tenants=sorted(p.get("visibleTenants") or []))


def region_view(r):
    return dict(name=r["name"], endpoint=r.get("endpoint"), data_centers=list(r.get("dataCenters") or []))


def backup_view(s):
    return dict(source=(s.get("source") or "GITHUB").lower(), registry_url=s.get("registryUrl"),
                velero_version=s.get("veleroVersion"), kopia_enabled=s.get("kopiaEnabled"),
                excluded_namespaces=sorted(s.get("excludedNamespaces") or []))
