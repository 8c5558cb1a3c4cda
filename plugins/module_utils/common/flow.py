# -*- coding: utf-8 -*-
# Copyright: (c) 2026, vcdops.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The module flow every resource module follows.

parse + validate -> connect -> read -> desired -> normalise -> diff
-> nothing to do: changed=False -> check mode: report, stop
-> apply (client waits for tasks) -> re-read -> changed=True (+ diff).

A module subclasses :class:`ResourceModule` and only says how to read,
describe, create, update and delete its object.
"""

from __future__ import annotations

import copy

from ansible.module_utils.basic import AnsibleModule

from ..vcd.client import VcdClient, VcdError, VcdNotFound
from .argspec import vcd_argument_spec


class InputError(Exception):
    """Bad input, found before any write."""


def vcd_client(params):
    """A client built from the shared connection options."""
    return VcdClient(
        host=params.get("vcd_host"), org=params.get("vcd_org"), username=params.get("vcd_username"),
        password=params.get("vcd_password"), api_token=params.get("vcd_api_token"),
        access_token=params.get("vcd_access_token"), api_version=params.get("vcd_api_version"),
        validate_certs=params.get("validate_certs"), ca_path=params.get("ca_path"),
        request_timeout=params.get("request_timeout") or 60, retries=params.get("retries", 5),
        task_timeout=params.get("timeout") or 1800,
    )


def changes_between(before, want):
    """Keys of ``want`` whose value differs from ``before`` (dicts compared key by key)."""
    changed = {}
    for key, value in want.items():
        if value is None:
            continue
        old = (before or {}).get(key)
        if isinstance(value, dict) and isinstance(old, dict):
            sub = changes_between(old, value)
            if sub:
                changed[key] = value
        elif old != value:
            changed[key] = value
    return changed


def merged(before, want):
    after = copy.deepcopy(before or {})
    for key, value in want.items():
        if value is None:
            continue
        if isinstance(value, dict) and isinstance(after.get(key), dict):
            after[key] = merged(after[key], value)
        else:
            after[key] = copy.deepcopy(value)
    return after


class _Base:
    #: module-specific options (merged with the connection options)
    options = {}
    #: extra AnsibleModule keywords (required_if, mutually_exclusive ...)
    module_kwargs = {}
    #: the key under which the object is returned
    result_key = "object"

    def __init__(self, module=None):
        self.module = module or AnsibleModule(
            argument_spec=vcd_argument_spec(**copy.deepcopy(self.options)),
            supports_check_mode=True, **self.module_kwargs)
        self.params = self.module.params
        self._client = None
        self.warnings = []

    @property
    def client(self):
        if self._client is None:
            self._client = vcd_client(self.params).connect()
        return self._client

    def validate(self):
        """Check the inputs without touching VCD; raise :class:`InputError`."""

    def fail(self, msg, **kwargs):
        self.module.fail_json(msg=msg, **kwargs)


class ResourceModule(_Base):
    """A module that owns one object with ``state: present|absent``."""

    def read(self):
        """The current object, or ``None``."""
        raise NotImplementedError

    def view(self, current):
        """The owned fields of ``current``, normalised for comparison and diff."""
        raise NotImplementedError

    def desired(self, current):
        """The wanted owned fields; ``None`` values mean "leave as it is"."""
        raise NotImplementedError

    def create(self, want):
        raise NotImplementedError

    def update(self, current, want, changes):
        raise NotImplementedError

    def delete(self, current):
        raise NotImplementedError

    def returned(self, obj):
        """What the module returns for ``obj`` (by default its view)."""
        return self.view(obj) if obj else {}

    def run(self):
        try:
            self.validate()
            result = self._converge()
        except InputError as exc:
            self.fail(str(exc))
        except VcdNotFound as exc:
            if self.module.check_mode:
                # a parent this run would have created does not exist yet
                self.warnings.append("check mode: %s; assuming an earlier task would create it" % exc)
                result = dict(changed=True)
            else:
                self.fail(str(exc))
        except VcdError as exc:
            self.fail(str(exc))
        for warning in self.warnings:
            self.module.warn(warning)
        self.module.exit_json(**result)

    def _converge(self):
        state = self.params.get("state", "present")
        try:
            current = self.read()
        except VcdNotFound:
            if state != "absent":
                raise
            # the parent is gone, so is the object
            current = None
        before = self.view(current) if current is not None else {}
        if state == "absent":
            if current is None:
                return {"changed": False, self.result_key: {}}
            result = {"changed": True, self.result_key: {}}
            if self.module._diff:
                result["diff"] = {"before": before, "after": {}}
            if not self.module.check_mode:
                self.delete(current)
            return result
        want = self.desired(current)
        changes = changes_between(before, want) if current is not None else want
        after = merged(before, want)
        if current is not None and not changes:
            return {"changed": False, self.result_key: self.returned(current)}
        result = {"changed": True}
        if self.module._diff:
            result["diff"] = {"before": before, "after": after}
        if self.module.check_mode:
            result[self.result_key] = after
            return result
        if current is None:
            self.create(want)
        else:
            self.update(current, want, changes)
        new = self.read()
        result[self.result_key] = self.returned(new)
        return result


class InfoModule(_Base):
    """A read-only module returning a list."""

    result_key = "items"

    def items(self):
        raise NotImplementedError

    def run(self):
        try:
            self.validate()
            items = self.items()
        except InputError as exc:
            self.fail(str(exc))
        except VcdError as exc:
            self.fail(str(exc))
        self.module.exit_json(changed=False, **{self.result_key: items})
