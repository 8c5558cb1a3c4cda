#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, vcdops.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: dsm_database_info
short_description: List the database clusters of a DSM namespace
description:
  - Lists Postgres and MySQL clusters with status, connection information and backups.
version_added: 0.2.0
author: vcdops platform team (@vcdops)
extends_documentation_fragment:
  - vcdops.platform.dsm
attributes:
  check_mode:
    support: full
    description: Reads only.
  diff_mode:
    support: none
    description: Nothing changes.
options:
  name:
    description: Only this cluster.
    type: str
  namespace:
    description: DSM namespace (always C(default) in DSM 2.0/2.1).
    type: str
    default: default
"""

EXAMPLES = r"""
- name: Clusters of the default namespace
  vcdops.platform.dsm_database_info:
  register: dbs
"""

RETURN = r"""
databases:
  description: The clusters (as M(vcdops.platform.dsm_database) returns them).
  returned: always
  type: list
  elements: dict
"""

from ansible_collections.vcdops.platform.plugins.module_utils.dbaas.modules import DsmDbInfo


def main():
    DsmDbInfo().run()


if __name__ == "__main__":
    main()
