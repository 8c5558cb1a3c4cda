# -*- coding: utf-8 -*-
# Copyright: (c) 2026, vcdops.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The module flow (common/flow.py) for DSM: the DSM connection options and client, and one
generic class for the Kubernetes-style objects (IP pools, infrastructure policies, VM classes ...).

In check mode, a DSM that does not answer at all is reported as a warning with ``changed``: the
appliance task of the same run would deploy it (as a missing parent is for the VCD modules).
"""

from __future__ import annotations

import copy

from ansible.module_utils.basic import AnsibleModule

from ..common.flow import InfoModule, InputError, ResourceModule
from .client import DsmClient, DsmError, DsmUnreachable, ready
from .spec import WAIT_SPEC, dsm_argument_spec

__all__ = ["DsmResource", "DsmInfo", "K8sResource", "InputError", "dsm_client"]


def dsm_client(params):
    return DsmClient(
        host=params.get("dsm_host"), username=params.get("dsm_username"), password=params.get("dsm_password"),
        auth=params.get("dsm_auth") or "local", access_token=params.get("dsm_access_token") or None,
        validate_certs=params.get("dsm_validate_certs", True), ca_path=params.get("dsm_ca_path"),
        request_timeout=params.get("dsm_request_timeout") or 60, retries=params.get("dsm_retries", 5))


class _DsmMixin:
    #: extra option specs besides the DSM connection (e.g. the wait options)
    extra_specs = ()

    def __init__(self, module=None):
        if module is None:
            spec = dsm_argument_spec(**copy.deepcopy(self.options))
            for extra in self.extra_specs:
                spec.update(copy.deepcopy(extra))
            module = AnsibleModule(argument_spec=spec, supports_check_mode=True, **self.module_kwargs)
        super().__init__(module)

    @property
    def client(self):
        if self._client is None:
            self._client = dsm_client(self.params).connect()
        return self._client

    def run(self):
        try:
            super().run()
        except DsmUnreachable as exc:
            if self.module.check_mode:
                for text in self.warnings + ["check mode: %s; assuming the appliance is deployed by an earlier task "
                                             "of this run" % exc]:
                    self.module.warn(text)
                self.module.exit_json(changed=True)
            self.fail(str(exc))
        except DsmError as exc:
            self.fail(str(exc))


class DsmResource(_DsmMixin, ResourceModule):
    """A DSM object with ``state: present|absent`` (subclass says read/view/desired/create/update/delete)."""


class DsmInfo(_DsmMixin, InfoModule):
    """A read-only DSM module."""


def _strip_none(value):
    if isinstance(value, dict):
        return {k: _strip_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_strip_none(v) for v in value]
    return value


class K8sResource(DsmResource):
    """A Kubernetes-style DSM object named ``name`` whose owned fields live in ``spec``.

    Subclasses set ``group``, ``plural``, ``kind`` (and ``namespaced``) and implement
    ``desired_spec()``; ``top_level`` lists owned fields kept beside ``spec`` (``role``, ``subjects``).
    """

    group = None
    plural = None
    kind = None
    namespaced = False
    top_level = ()
    extra_specs = (WAIT_SPEC,)

    @property
    def namespace(self):
        return self.params.get("namespace") if self.namespaced else None

    def desired_spec(self):
        raise NotImplementedError

    def desired_top(self):
        return {}

    def read(self):
        return self.client.get(self.group, self.plural, self.params["name"], self.namespace)

    def view_spec(self, spec):
        """The current spec, normalised for comparison (override to drop server-managed fields)."""
        return spec

    def view(self, current):
        out = {"name": current["metadata"]["name"], "ready": ready(current)}
        if "spec" in current or not self.top_level:
            out["spec"] = self.view_spec(copy.deepcopy(current.get("spec") or {}))
        for key in self.top_level:
            out[key] = copy.deepcopy(current.get(key))
        return out

    def desired(self, current):
        want = {"name": self.params["name"]}
        spec = self.desired_spec()
        if spec is not None:
            want["spec"] = _strip_none(spec)
        want.update(self.desired_top())
        return want

    def _changes_need_full_lists(self, want):
        return want

    def body(self, want):
        obj = {"apiVersion": "%s/v1alpha1" % self.group, "kind": self.kind,
               "metadata": {"name": want["name"]}}
        if self.namespaced:
            obj["metadata"]["namespace"] = self.namespace
        if "spec" in want:
            obj["spec"] = want["spec"]
        for key in self.top_level:
            if want.get(key) is not None:
                obj[key] = want[key]
        return obj

    def create(self, want):
        self.client.create(self.group, self.plural, self.body(want), self.namespace)
        self._wait()

    def update(self, current, want, changes):
        def change(obj):
            if "spec" in want:
                spec = obj.setdefault("spec", {})
                for key, value in want["spec"].items():
                    spec[key] = value
            for key in self.top_level:
                if want.get(key) is not None:
                    obj[key] = want[key]
            return obj
        self.client.update(self.group, self.plural, self.params["name"], change, self.namespace)
        self._wait()

    def delete(self, current):
        self.client.delete(self.group, self.plural, self.params["name"], self.namespace)

    def _wait(self):
        if self.params.get("wait") and self.has_ready:
            self.client.wait_ready(self.group, self.plural, self.params["name"], self.namespace,
                                   timeout=self.params.get("wait_timeout") or 600,
                                   what="%s %s" % (self.kind, self.params["name"]))

    has_ready = True

    def returned(self, obj):
        return self.view(obj) if obj else {}
