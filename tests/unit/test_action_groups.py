# -*- coding: utf-8 -*-
# Copyright: contributors to vcdops.platform
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""meta/runtime.yml action_groups must list every module of each group.

A module missing from its group silently ignores ``module_defaults``; this test
fails until ``python tests/tools/action_groups.py`` has been run.
"""

from __future__ import absolute_import, division, print_function

import importlib.util
import os

import yaml

__metaclass__ = type  # pylint: disable=invalid-name

TOOL = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                    "tools", "action_groups.py")


def _load_tool():
    spec = importlib.util.spec_from_file_location("vcdops_action_groups_tool", TOOL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


action_groups = _load_tool()


def test_runtime_action_groups_are_current(repo_root):
    current, wanted = action_groups.regenerate(repo_root)
    assert current == wanted, (
        "meta/runtime.yml action_groups are out of date; "
        "run: python tests/tools/action_groups.py"
    )


def test_runtime_action_groups_match_modules(repo_root):
    with open(os.path.join(repo_root, "meta", "runtime.yml"), encoding="utf-8") as handle:
        runtime = yaml.safe_load(handle)
    names = action_groups.module_names(repo_root)
    groups = runtime.get("action_groups") or {}
    for group, prefix in action_groups.GROUPS:
        wanted = sorted(name for name in names if name.startswith(prefix))
        assert sorted(groups.get(group) or []) == wanted, group


def test_every_group_member_is_a_module(repo_root):
    with open(os.path.join(repo_root, "meta", "runtime.yml"), encoding="utf-8") as handle:
        runtime = yaml.safe_load(handle)
    names = set(action_groups.module_names(repo_root))
    for group, members in (runtime.get("action_groups") or {}).items():
        for member in members or []:
            assert member in names, "%s lists %s, which is not in plugins/modules" % (group, member)


def _make_tree(tmp_path, modules, runtime_text):
    (tmp_path / "meta").mkdir()
    (tmp_path / "meta" / "runtime.yml").write_text(runtime_text, encoding="utf-8")
    if modules is not None:
        (tmp_path / "plugins" / "modules").mkdir(parents=True)
        for name in modules:
            (tmp_path / "plugins" / "modules" / name).write_text("", encoding="utf-8")
    return str(tmp_path)


def test_no_modules_gives_empty_groups(tmp_path):
    root = _make_tree(tmp_path, None, '---\nrequires_ansible: ">=2.16.0"\n')
    _current, wanted = action_groups.regenerate(root)
    data = yaml.safe_load(wanted)
    assert data["requires_ansible"] == ">=2.16.0"
    assert data["action_groups"] == {"vcd": [], "dsm": [], "vsphere": [], "ose": [], "alp": []}


def test_rewrite_keeps_the_rest_of_the_file(tmp_path):
    text = (
        "---\n"
        "# leading comment\n"
        'requires_ansible: ">=2.16.0"\n'
        "action_groups:\n"
        "  vcd:\n"
        "    - vcd_gone\n"
        "\n"
        "# routing\n"
        "plugin_routing:\n"
        "  modules: {}\n"
    )
    modules = ["__init__.py", "_private.py", "README.md", "vcd_org.py", "vcd_org_info.py",
               "dsm_cluster.py", "vsphere_ova.py", "ose_tenant.py", "other.py"]
    root = _make_tree(tmp_path, modules, text)
    _current, wanted = action_groups.regenerate(root)
    assert wanted.startswith("---\n# leading comment\n")
    assert wanted.endswith("\n# routing\nplugin_routing:\n  modules: {}\n")
    data = yaml.safe_load(wanted)
    assert data["action_groups"] == {
        "vcd": ["vcd_org", "vcd_org_info"],
        "dsm": ["dsm_cluster"],
        "vsphere": ["vsphere_ova"],
        "ose": ["ose_tenant"],
        "alp": [],
    }
    assert data["plugin_routing"] == {"modules": {}}
    # A second pass changes nothing.
    assert action_groups.replace_block(wanted, action_groups.render_block(
        action_groups.expected_groups(action_groups.module_names(root)))) == wanted


def test_check_mode_reports_outdated_file(tmp_path, capsys):
    root = _make_tree(tmp_path, ["vcd_org.py"], "---\naction_groups:\n  vcd: []\n")
    assert action_groups.main(["--check", "--root", root]) == 1
    assert "out of date" in capsys.readouterr().out
    assert action_groups.main(["--root", root]) == 0
    assert action_groups.main(["--check", "--root", root]) == 0
