# -*- coding: utf-8 -*-
# Copyright: (c) 2026, vcdops.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Runtime Defined Entity helpers on top of :class:`VcdClient`.

create (task -> entity id) -> resolve; get with ETag; update with If-Match and
one re-read + re-apply on 412; behaviour invocation -> task -> parsed result;
access controls.
"""

from __future__ import annotations

import json

from .client import VcdError, VcdNotFound, fiql

API = "/cloudapi/1.0.0"


def type_urn(vendor, nss, version):
    return "urn:vcloud:type:%s:%s:%s" % (vendor, nss, version)


def interface_urn(vendor, nss, version):
    return "urn:vcloud:interface:%s:%s:%s" % (vendor, nss, version)


class Rde:
    """RDE operations bound to one client."""

    def __init__(self, client):
        self.client = client

    # ------------------------------------------------------------- reads
    def get(self, entity_id):
        """(entity, etag); raises VcdNotFound."""
        return self.client.get_with_etag("%s/entities/%s" % (API, entity_id))

    def list(self, vendor, nss, version, **equals):
        """Entities of a type (``version`` may be a prefix), filtered by ``field==value``."""
        flt, enc = fiql(**equals)
        return self.client.list("%s/entities/types/%s/%s/%s" % (API, vendor, nss, version), filter=flt or None,
                                encoded=enc)

    def find_one(self, vendor, nss, version, what, **equals):
        found = self.list(vendor, nss, version, **equals)
        if len(found) > 1:
            raise VcdError("%s is ambiguous: %d entities match %s" % (what, len(found), equals))
        return found[0] if found else None

    # ------------------------------------------------------------- writes
    def create(self, type_id, name, entity, external_id=None, find=None, resolve=True, tenant_org=None):
        """Create an entity (202 + task), then resolve it; returns the entity.

        ``find`` is asked first when the POST answer is lost, so that a POST is
        never blindly repeated.
        """
        body = {"name": name, "entity": entity}
        if external_id is not None:
            body["externalId"] = external_id
        resp = None
        try:
            resp = self.client.request("POST", "%s/entityTypes/%s" % (API, type_id), json=body,
                                       what="create entity %s of %s" % (name, type_id))
        except VcdError as exc:
            if find is None or exc.__class__.__name__ != "VcdConnectionLost":
                raise
            found = self.client._settle(find)
            if found is None:
                raise VcdError("create entity %s: the connection broke and it was not created; run again" % name)
            entity_id = found["id"]
        if resp is not None:
            task = self.client.task_of(resp)
            if task:
                # the task stays at 1 % until the entity is resolved: read its owner
                task_body = self.client.get(self.client.url(task).replace(self.client.base, ""), legacy=True)
                entity_id = (task_body.get("owner") or {}).get("id")
            else:
                entity_id = resp.json()["id"]
        if resolve:
            self.resolve(entity_id)
        return self.get(entity_id)[0]

    def resolve(self, entity_id):
        body = self.client.request("POST", "%s/entities/%s/resolve" % (API, entity_id),
                                   what="resolve entity %s" % entity_id).json()
        state = body.get("entityState") or body.get("state")
        if state == "RESOLUTION_ERROR":
            raise VcdError("entity %s does not match its type's schema: %s" % (entity_id, body.get("message")))
        return body

    def update(self, entity_id, change, what=None):
        """Read with ETag, apply ``change(entity) -> entity``, PUT with If-Match.

        A 412 (someone else changed it) re-reads and re-applies once.
        """
        for attempt in (1, 2):
            current, etag = self.get(entity_id)
            new = change(json.loads(json.dumps(current)))
            body = {k: v for k, v in new.items() if k in ("name", "externalId", "entity", "entityType", "owner")}
            headers = {"If-Match": etag} if etag else {}
            resp = self.client._send("PUT", "%s/entities/%s" % (API, entity_id), json=body, headers=headers)
            if resp.status_code == 412 and attempt == 1:
                continue
            if resp.status_code == 401:
                resp = self.client.request("PUT", "%s/entities/%s" % (API, entity_id), json=body, headers=headers,
                                           what=what)
            self.client._raise_for(resp, "PUT", "%s/entities/%s" % (API, entity_id), what or "update entity")
            task = self.client.task_of(resp)
            if task:
                self.client.wait_task(task, what=what)
            state = (resp.json() if resp.content else {}).get("entityState")
            if state in ("PRE_CREATED", "RESOLUTION_ERROR") or (resp.content and resp.json().get("state") == "PRE_CREATED"):
                self.resolve(entity_id)
            return self.get(entity_id)[0]
        raise VcdError("update of entity %s kept failing with 412" % entity_id)

    def delete(self, entity_id, invoke_hooks=None):
        path = "%s/entities/%s" % (API, entity_id)
        if invoke_hooks is not None:
            path += "?invokeHooks=%s" % str(bool(invoke_hooks)).lower()
        try:
            self.client.write("DELETE", path, what="delete entity %s" % entity_id)
        except VcdNotFound:
            return

    def invoke(self, entity_id, behavior_id, arguments=None, metadata=None, what=None):
        """Run a behaviour; returns its parsed result (JSON when it is JSON)."""
        resp = self.client.request("POST", "%s/entities/%s/behaviors/%s/invocations" % (API, entity_id, behavior_id),
                                   json={"arguments": arguments or {}, "metadata": metadata or {}},
                                   what=what or "invoke %s" % behavior_id)
        task = self.client.task_of(resp)
        if not task:
            return resp.json() if resp.content else None
        done = self.client.wait_task(task, what=what or "behaviour %s" % behavior_id)
        content = (done.get("result") or {}).get("resultContent")
        if isinstance(content, str):
            try:
                return json.loads(content)
            except ValueError:
                return content
        return content

    # ------------------------------------------------------------- ACLs
    def access_controls(self, entity_id):
        return self.client.list("%s/entities/%s/accessControls" % (API, entity_id))

    def grant(self, entity_id, member_id, level, tenant_id=None):
        body = {"grantType": "MembershipAccessControlGrant", "accessLevelId": "urn:vcloud:accessLevel:%s" % level,
                "memberId": member_id}
        if tenant_id:
            body["tenant"] = {"id": tenant_id}
        return self.client.write("POST", "%s/entities/%s/accessControls" % (API, entity_id), body,
                                 what="grant %s on %s to %s" % (level, entity_id, member_id))

    def revoke(self, entity_id, acl_id):
        self.client.write("DELETE", "%s/entities/%s/accessControls/%s" % (API, entity_id, acl_id),
                          what="revoke %s on %s" % (acl_id, entity_id))
