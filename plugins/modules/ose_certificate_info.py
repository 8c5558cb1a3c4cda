#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, vcdops.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: ose_certificate_info
short_description: Check the certificate of an Object Storage Extension before it is imported
description:
  - Reads a PKCS#12 file (or a PEM certificate) with the python C(cryptography) library and reports
    its names, chain and expiry.
  - Reports which of the names OSE needs are not covered - the OSE FQDN, C(s3.<fqdn>) and
    C(*.s3.<fqdn>) (virtual-hosted-style S3) - in RV(missing_names). With O(fail_on_missing) the
    module fails on a missing name, an expired certificate or a wrong password.
  - Runs where the file is (normally the controller). It never changes anything.
version_added: 0.1.0
author: vcdops platform team (@vcdops)
attributes:
  check_mode:
    support: full
    description: Only reads, so it runs the same in check mode.
  diff_mode:
    support: none
    description: Nothing is changed, so there is no diff.
options:
  path:
    description: PKCS#12 (C(.p12), C(.pfx)) or PEM file.
    type: path
    required: true
  password:
    description: Password of the PKCS#12 file.
    type: str
  fqdn:
    description: Public FQDN of the OSE service (load balancer).
    type: str
    required: true
  min_days_valid:
    description: Fail (with O(fail_on_missing)) when the certificate expires in fewer days.
    type: int
    default: 14
  fail_on_missing:
    description: Fail when a needed name is missing or the certificate is not valid long enough.
    type: bool
    default: true
requirements:
  - cryptography
"""

EXAMPLES = r"""
- name: Check the OSE certificate
  vcdops.platform.ose_certificate_info:
    path: files/ose.p12
    password: "{{ vault_ose_p12_password }}"
    fqdn: ose.az1.example.com
"""

RETURN = r"""
names:
  description: DNS names of the certificate (subject alternative names).
  returned: success
  type: list
  elements: str
required_names:
  description: The names OSE needs.
  returned: success
  type: list
  elements: str
missing_names:
  description: Needed names the certificate does not cover.
  returned: success
  type: list
  elements: str
not_after:
  description: Expiry (ISO 8601, UTC).
  returned: success
  type: str
days_left:
  description: Days until expiry.
  returned: success
  type: int
chain:
  description: Subjects of the certificate and of the CA certificates that come with it.
  returned: success
  type: list
  elements: str
"""

import datetime

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

try:
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import pkcs12
    HAS_CRYPTO = True
except ImportError:
    HAS_CRYPTO = False


def covered(name, sans):
    """Whether ``name`` is covered by one SAN (a wildcard covers one label)."""
    name = name.lower()
    for san in sans:
        san = san.lower()
        if san == name:
            return True
        if san.startswith("*.") and not name.startswith("*.") and "." in name and name.split(".", 1)[1] == san[2:]:
            return True
    return False


def load(path, password):
    with open(path, "rb") as f:
        data = f.read()
    if b"-----BEGIN CERTIFICATE-----" in data:
        certs = x509.load_pem_x509_certificates(data)
        return certs[0], certs[1:]
    _key, cert, extra = pkcs12.load_key_and_certificates(data, password.encode() if password else None)
    if cert is None:
        raise ValueError("the PKCS#12 file holds no certificate")
    return cert, list(extra or [])


def main():
    module = AnsibleModule(argument_spec=dict(
        path=dict(type="path", required=True), password=dict(type="str", no_log=True),
        fqdn=dict(type="str", required=True), min_days_valid=dict(type="int", default=14),
        fail_on_missing=dict(type="bool", default=True)), supports_check_mode=True)
    if not HAS_CRYPTO:
        module.fail_json(msg=missing_required_lib("cryptography"))
    p = module.params
    try:
        cert, chain = load(p["path"], p["password"])
    except (OSError, ValueError) as exc:
        module.fail_json(msg="cannot read the OSE certificate %s: %s (wrong password?)" % (p["path"], exc))
    try:
        sans = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value.get_values_for_type(
            x509.DNSName)
    except x509.ExtensionNotFound:
        sans = []
    fqdn = p["fqdn"].lower().rstrip(".")
    required = [fqdn, "s3." + fqdn, "*.s3." + fqdn]
    missing = [n for n in required if not covered(n, sans)]
    not_after = cert.not_valid_after_utc
    days_left = (not_after - datetime.datetime.now(datetime.timezone.utc)).days
    result = dict(changed=False, names=sans, required_names=required, missing_names=missing,
                  not_after=not_after.isoformat(), days_left=days_left,
                  chain=[c.subject.rfc4514_string() for c in [cert] + chain])
    if p["fail_on_missing"]:
        problems = []
        if missing:
            problems.append("it does not cover %s (it has %s)" % (", ".join(missing), ", ".join(sans) or "no DNS names"))
        if days_left < p["min_days_valid"]:
            problems.append("it expires on %s (%d days left, at least %d wanted)"
                            % (not_after.date(), days_left, p["min_days_valid"]))
        if problems:
            module.fail_json(msg="the OSE certificate %s cannot be used for %s: %s"
                             % (p["path"], fqdn, "; ".join(problems)), **result)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
