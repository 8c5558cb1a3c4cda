# -*- coding: utf-8 -*-
# Copyright: (c) 2026, vcdops.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Input checks of the DSM modules, run before DSM (or vSphere, or VCD) is contacted."""

from __future__ import annotations

import re

from ..common import checks
from ..common.flow import InputError

# DSM 2.x password rule: 8-20 characters, upper and lower case, a digit and one of ?!@#$%^&*_+
PASSWORD_RE = re.compile(r"^(?=.*[a-z])(?=.*[A-Z])(?=.*\d)(?=.*[?!@#$%^&*_+]).{8,20}$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
NAME_RE = re.compile(r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")
PEM_RE = re.compile(r"-----BEGIN CERTIFICATE-----\s+[A-Za-z0-9+/=\s]+?-----END CERTIFICATE-----")


def k8s_name(value, what):
    """A Kubernetes object name (RFC 1123 label: lower case letters, digits and '-')."""
    if not NAME_RE.match(str(value or "")):
        raise InputError("%s %r is not a valid DSM object name: use lower case letters, digits and '-' "
                         "(at most 63, starting and ending with a letter or digit)" % (what, value))
    return value


def password(value, what):
    if not PASSWORD_RE.match(str(value or "")):
        raise InputError("%s does not meet the DSM password rule: 8-20 characters with upper and lower case letters, "
                         "a digit and one of ?!@#$%%^&*_+" % what)
    return value


def email(value, what):
    if not EMAIL_RE.match(str(value or "")):
        raise InputError("%s %r is not an e-mail address" % (what, value))
    return value


def ip_pool_ranges(gateway, prefix, addresses, what):
    """Check ``first-last`` ranges lie in ``gateway/prefix``; return them normalised."""
    if prefix is None or not 1 <= int(prefix) <= 32:
        raise InputError("%s: prefix %r must be between 1 and 32" % (what, prefix))
    gw, net = checks.interface("%s/%s" % (gateway, prefix), "%s gateway" % what)
    pools = []
    for item in addresses or []:
        first, _sep, last = str(item).partition("-")
        pools.append({"start": first.strip(), "end": (last or first).strip()})
    if not pools:
        raise InputError("%s needs at least one address range" % what)
    found = checks.ranges(pools, net, "%s range" % what, exclude=gw)
    return ["%s-%s" % (r[0], r[-1]) if r.first != r.last else str(r[0]) for r in found]


def quantity_gib(value, what):
    """``60``, ``60Gi``, ``1Ti`` -> '60Gi'-style quantity (GiB, assumption A34)."""
    m = re.match(r"^\s*(\d+)\s*(Gi|G|GB|Ti|T|TB)?\s*$", str(value))
    if not m:
        raise InputError("%s %r is not a size: give GiB as a number or a quantity like 60Gi" % (what, value))
    number = int(m.group(1)) * (1024 if (m.group(2) or "").startswith("T") else 1)
    if number < 1:
        raise InputError("%s must be at least 1 GiB" % what)
    return "%dGi" % number


def pem_certificates(text, what):
    """A PEM bundle of one or more X.509 certificates that parse; returns the normalised PEM."""
    blocks = PEM_RE.findall(str(text or ""))
    if not blocks:
        raise InputError("%s is not a PEM certificate (expected -----BEGIN CERTIFICATE-----)" % what)
    try:
        from cryptography import x509
    except ImportError:  # pragma: no cover - cryptography is a requirement of the collection
        return "\n".join(b.strip() for b in blocks) + "\n"
    for block in blocks:
        try:
            x509.load_pem_x509_certificate(block.encode())
        except ValueError as exc:
            raise InputError("%s holds a certificate that does not parse: %s" % (what, exc))
    return "\n".join(b.strip() for b in blocks) + "\n"
