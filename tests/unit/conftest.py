# -*- coding: utf-8 -*-
# Copyright: contributors to vcdops.platform
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Shared pytest setup for the unit tests.

Makes ``ansible_collections.vcdops.platform`` importable without installing the
collection:

- inside an ``ansible_collections/vcdops/platform`` tree (ansible-test, an
  installed copy) the folder above ``ansible_collections`` goes on sys.path;
- in a plain checkout, ``build/collections/ansible_collections/vcdops/platform``
  is a relative symlink to the repository root (the same link ``make collection-link``
  makes; created here when missing) and ``build/collections`` goes on sys.path.
"""

from __future__ import absolute_import, division, print_function

import os
import sys

import pytest

__metaclass__ = type  # pylint: disable=invalid-name

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
NAMESPACE = "vcdops"
NAME = "platform"


def _collections_root():
    """Return the folder that holds ``ansible_collections`` for this checkout."""
    parent = os.path.dirname(REPO_ROOT)
    grandparent = os.path.dirname(parent)
    if (os.path.basename(REPO_ROOT) == NAME and os.path.basename(parent) == NAMESPACE
            and os.path.basename(grandparent) == "ansible_collections"):
        return os.path.dirname(grandparent)

    root = os.path.join(REPO_ROOT, "build", "collections")
    link = os.path.join(root, "ansible_collections", NAMESPACE, NAME)
    if not os.path.exists(link):
        os.makedirs(os.path.dirname(link), exist_ok=True)
        if os.path.islink(link):  # dangling link (the checkout moved)
            os.unlink(link)
        try:
            os.symlink(os.path.relpath(REPO_ROOT, os.path.dirname(link)), link)
        except FileExistsError:  # another test process made it first
            pass
    return root


COLLECTIONS_ROOT = _collections_root()
if COLLECTIONS_ROOT not in sys.path:
    sys.path.insert(0, COLLECTIONS_ROOT)


@pytest.fixture(scope="session")
def repo_root():
    """Absolute path of the collection's source tree."""
    return REPO_ROOT
