# -*- coding: utf-8 -*-
# Copyright: contributors to vcdops.platform
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Keep the ``action_groups`` of meta/runtime.yml in step with plugins/modules.

Every module whose file name starts with a group prefix joins that group, so
``module_defaults: {group/vcdops.platform.vcd: ...}`` reaches all of them:

    vcd_*      -> group ``vcd``
    dsm_*      -> group ``dsm``
    vsphere_*  -> group ``vsphere``
    ose_*      -> group ``ose``
    alp_*      -> group ``alp``

Usage (from the repository root)::

    python tests/tools/action_groups.py          # rewrite meta/runtime.yml
    python tests/tools/action_groups.py --check  # exit 1 when it is out of date

Only the top-level ``action_groups:`` block is rewritten; the rest of the file
(comments included) is left as it is.
"""

from __future__ import absolute_import, division, print_function

import argparse
import difflib
import os
import sys

__metaclass__ = type  # pylint: disable=invalid-name

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# (group name, module name prefix), in the order they are written.
GROUPS = (
    ("vcd", "vcd_"),
    ("dsm", "dsm_"),
    ("vsphere", "vsphere_"),
    ("ose", "ose_"),
    ("alp", "alp_"),
)

HEADER = "action_groups:"


def module_names(root=ROOT):
    """Return the sorted module names found in plugins/modules (may be empty)."""
    modules_dir = os.path.join(root, "plugins", "modules")
    if not os.path.isdir(modules_dir):
        return []
    names = []
    for entry in os.listdir(modules_dir):
        stem, ext = os.path.splitext(entry)
        if ext != ".py" or stem.startswith("_"):
            continue
        names.append(stem)
    return sorted(names)


def expected_groups(names):
    """Map each group name to the sorted list of modules that belong to it."""
    groups = {}
    for group, prefix in GROUPS:
        groups[group] = sorted(name for name in names if name.startswith(prefix))
    return groups


def render_block(groups):
    """Render the ``action_groups:`` block as YAML text (ends with a newline)."""
    lines = [HEADER]
    for group, _prefix in GROUPS:
        members = groups.get(group, [])
        if not members:
            lines.append("  %s: []" % group)
            continue
        lines.append("  %s:" % group)
        lines.extend("    - %s" % name for name in members)
    return "\n".join(lines) + "\n"


def _is_top_level(line):
    """True for a line that starts a new top-level entry (or a top-level comment)."""
    stripped = line.rstrip("\r\n")
    return bool(stripped) and not stripped[0].isspace()


def replace_block(text, block):
    """Return ``text`` with its top-level ``action_groups:`` block replaced by ``block``.

    When the file has no such block, ``block`` is appended at the end.
    """
    lines = text.splitlines(True)
    start = None
    for index, line in enumerate(lines):
        if line.rstrip() == HEADER or line.startswith(HEADER + " "):
            start = index
            break
    if start is None:
        if text and not text.endswith("\n"):
            text += "\n"
        return text + block

    end = start + 1
    while end < len(lines) and not _is_top_level(lines[end]):
        end += 1
    # Blank lines between the old block and what follows are kept.
    while end > start + 1 and not lines[end - 1].strip():
        end -= 1
    return "".join(lines[:start]) + block + "".join(lines[end:])


def runtime_path(root=ROOT):
    """Path of meta/runtime.yml under ``root``."""
    return os.path.join(root, "meta", "runtime.yml")


def regenerate(root=ROOT):
    """Return (current text, regenerated text) of meta/runtime.yml under ``root``."""
    path = runtime_path(root)
    with open(path, "r", encoding="utf-8") as handle:
        current = handle.read()
    wanted = replace_block(current, render_block(expected_groups(module_names(root))))
    return current, wanted


def main(argv=None):
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="do not write; exit 1 and show a diff when runtime.yml is out of date")
    parser.add_argument("--root", default=ROOT, help="collection root (default: this repository)")
    args = parser.parse_args(argv)

    current, wanted = regenerate(args.root)
    if current == wanted:
        print("meta/runtime.yml action_groups are up to date")
        return 0
    if args.check:
        sys.stdout.writelines(difflib.unified_diff(
            current.splitlines(True), wanted.splitlines(True),
            "meta/runtime.yml", "meta/runtime.yml (regenerated)"))
        print("meta/runtime.yml is out of date: run python tests/tools/action_groups.py")
        return 1
    with open(runtime_path(args.root), "w", encoding="utf-8") as handle:
        handle.write(wanted)
    print("meta/runtime.yml action_groups rewritten")
    return 0


if __name__ == "__main__":
    sys.exit(main())
