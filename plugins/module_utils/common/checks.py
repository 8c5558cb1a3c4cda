# -*- coding: utf-8 -*-
# Copyright: (c) 2026, vcdops.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Input checks run before any write: addresses, pools, names."""

from __future__ import annotations

import re

try:
    import netaddr
    HAS_NETADDR = True
except ImportError:  # pragma: no cover
    HAS_NETADDR = False

from .flow import InputError

_LABEL = re.compile(r"^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$")


def _need_netaddr():
    if not HAS_NETADDR:
        raise InputError("the python 'netaddr' library is required (pip install netaddr)")


def fqdn(value, what, single_label=False):
    """A DNS name: labels of letters, digits and hyphens, at most 253 characters."""
    text = str(value or "").rstrip(".")
    labels = text.split(".")
    if not text or len(text) > 253 or not all(_LABEL.match(lb) for lb in labels) or (
            len(labels) < 2 and not single_label) or labels[-1].isdigit():
        raise InputError("%s %r is not a valid DNS name" % (what, value))
    return text


def ip(value, what):
    _need_netaddr()
    try:
        return netaddr.IPAddress(str(value))
    except (netaddr.AddrFormatError, ValueError, TypeError):
        raise InputError("%s %r is not an IP address" % (what, value))


def interface(value, what):
    """``gateway/prefix`` → (gateway IPAddress, IPNetwork)."""
    _need_netaddr()
    try:
        iface = netaddr.IPNetwork(str(value))
    except (netaddr.AddrFormatError, ValueError, TypeError):
        raise InputError("%s %r is not an address with a prefix length, like 192.168.10.1/24" % (what, value))
    if "/" not in str(value):
        raise InputError("%s %r needs a prefix length, like 192.168.10.1/24" % (what, value))
    net = iface.cidr
    if iface.ip in (net.network, net.broadcast) and net.prefixlen < 31:
        raise InputError("%s %s is the network or broadcast address of %s" % (what, iface.ip, net))
    return iface.ip, net


def ranges(pools, net, what, exclude=None):
    """Check ``[{start, end}]`` lie in ``net``, do not overlap and miss ``exclude``; return IPRanges."""
    _need_netaddr()
    found = []
    for pool in pools or []:
        start, end = ip(pool.get("start"), "%s start" % what), ip(pool.get("end"), "%s end" % what)
        if start > end:
            raise InputError("%s %s-%s: the start is after the end" % (what, start, end))
        rng = netaddr.IPRange(start, end)
        if start not in net or end not in net:
            raise InputError("%s %s-%s is outside the subnet %s" % (what, start, end, net))
        if net.prefixlen < 31 and (net.network in rng or net.broadcast in rng):
            raise InputError("%s %s-%s includes the network or broadcast address of %s" % (what, start, end, net))
        for other in found:
            if rng.first <= other.last and other.first <= rng.last:
                raise InputError("%s %s overlaps %s" % (what, rng, other))
        if exclude is not None and exclude in rng:
            raise InputError("%s %s contains the gateway %s" % (what, rng, exclude))
        found.append(rng)
    return found
