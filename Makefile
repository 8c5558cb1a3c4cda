# vcdops.platform - developer and CI entry points.
#
#   make demo     venv + lab + ansible-playbook -i inventories/lab playbooks/site.yml
#   make test     every suite, in order, continuing after a failure; summary at the end
#   make help     all targets
#
# Every tool runs from the virtual environment $(VENV) (default .venv), which
# `make venv` creates from requirements.txt + tests/requirements.txt.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.ONESHELL:
.DEFAULT_GOAL := help

PYTHON ?= python3.11
VENV ?= .venv
VENV_DIR := $(abspath $(VENV))
PY = $(VENV_DIR)/bin/python
STAMP = $(VENV_DIR)/.vcdops-requirements.stamp
ifeq ($(filter $(VENV_DIR)/bin,$(subst :, ,$(PATH))),)
export PATH := $(VENV_DIR)/bin:$(PATH)
endif

ROOT := $(CURDIR)
COLLECTION_LINK := build/collections/ansible_collections/vcdops/platform
SANITY_DIR := build/sanity/ansible_collections/vcdops/platform
LAB = PYTHONPATH=$(ROOT)/tests/lab$${PYTHONPATH:+:$$PYTHONPATH} $(PY) -m vcdlab

# The lab reads VCDLAB_PORT_BASE / VCDLAB_RUN_DIR (also when given as make
# variables); inventories/lab reads VCDOPS_LAB_PORT_BASE / VCDOPS_LAB_RUN_DIR.
# Keep them in step.
ifdef VCDLAB_PORT_BASE
export VCDLAB_PORT_BASE
export VCDOPS_LAB_PORT_BASE ?= $(VCDLAB_PORT_BASE)
endif
ifdef VCDLAB_RUN_DIR
override VCDLAB_RUN_DIR := $(abspath $(VCDLAB_RUN_DIR))
export VCDLAB_RUN_DIR
export VCDOPS_LAB_RUN_DIR ?= $(VCDLAB_RUN_DIR)
endif

PYTEST_ARGS ?=
SANITY_ARGS ?=
SANITY_PYTHON ?= 3.11
LINT_ARGS ?=
MOLECULE_ARGS ?=
PLAYBOOK_ARGS ?=

# `make test` runs these in this order; each is also a target of its own.
SUITES = unit labtest integration sanity changelog-lint lint molecule build

.PHONY: help venv collection-link lab lab-stop lab-status demo test $(SUITES) \
	action-groups clean

help:
	@printf '%s\n' \
	  "Targets (VENV=$(VENV)):" \
	  "  demo             venv, collection-link, lab, then playbooks/site.yml against inventories/lab" \
	  "  test             every suite below, in order; ends with 'suites: N passed, N failed'" \
	  "  venv             create $(VENV) and install requirements (skipped while they are unchanged)" \
	  "  collection-link  build/collections/ansible_collections/vcdops/platform -> this checkout" \
	  "  lab, lab-stop, lab-status   the local lab (env VCDLAB_PORT_BASE, VCDLAB_RUN_DIR)" \
	  "  action-groups    regenerate meta/runtime.yml action_groups from plugins/modules" \
	  "  clean            remove build/ (not the venv)" \
	  "Suites (each a target): $(SUITES)"

# ---------------------------------------------------------------- environment

venv: $(STAMP)

$(STAMP): requirements.txt tests/requirements.txt
	if [ ! -x "$(PY)" ]; then
	  echo "creating $(VENV_DIR) with $(PYTHON)"
	  $(PYTHON) -m venv "$(VENV_DIR)"
	fi
	"$(PY)" -m pip install --quiet --disable-pip-version-check --progress-bar off \
	  -r requirements.txt -r tests/requirements.txt
	touch "$@"

collection-link:
	@mkdir -p "$(dir $(COLLECTION_LINK))"
	ln -sfn ../../../.. "$(COLLECTION_LINK)"

# The node hosts (OSE and ALP nodes reached over SSH) need root: network
# namespaces, a bridge and debootstrap (the first time, a few minutes).
NODES = PYTHONPATH=$(ROOT)/tests/lab$${PYTHONPATH:+:$$PYTHONPATH} $(PY) -m vcdlab.nodes

lab: venv
	$(LAB) start
	$(NODES) up

lab-stop: venv
	-$(NODES) down
	$(LAB) stop

lab-status: venv
	$(LAB) status

demo: venv collection-link lab
	ansible-playbook -i inventories/lab playbooks/site.yml $(PLAYBOOK_ARGS)
	ansible-playbook -i inventories/lab playbooks/tenant_database_lifecycle.yml $(PLAYBOOK_ARGS)

action-groups: venv
	"$(PY)" tests/tools/action_groups.py

clean:
	rm -rf build

# --------------------------------------------------------------------- suites

unit: venv collection-link
	"$(PY)" -m pytest tests/unit -p no:cacheprovider $(PYTEST_ARGS)

labtest: venv
	"$(PY)" -m pytest tests/labtest -p no:cacheprovider $(PYTEST_ARGS)

# The integration conftest starts (and stops) its own lab.
integration: venv collection-link
	"$(PY)" -m pytest tests/integration -p no:cacheprovider $(PYTEST_ARGS)

# ansible-test needs the collection at ansible_collections/vcdops/platform and
# only looks at files git knows: copy the tracked and untracked-not-ignored
# files (not tests/lab, which is no part of the collection) and git-add them.
sanity: venv
	@rm -rf build/sanity
	mkdir -p "$(SANITY_DIR)"
	if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	  echo "sanity: copying the files git knows into $(SANITY_DIR)"
	  git ls-files -z --cached --others --exclude-standard \
	    | while IFS= read -r -d '' f; do
	        case "$$f" in tests/lab/*|tests/output/*|build/*|.venv/*) continue ;; esac
	        if [ -e "$$f" ] || [ -L "$$f" ]; then printf '%s\0' "$$f"; fi
	      done \
	    | tar --null --no-recursion -T - -cf - | tar -C "$(SANITY_DIR)" -xf -
	else
	  echo "sanity: not a git checkout; copying the tree with rsync"
	  rsync -a --exclude=/.git --exclude=/build --exclude=/.venv --exclude=/tests/lab \
	    --exclude=/tests/output --exclude=.run --exclude=.cache --exclude=.ansible \
	    --exclude=__pycache__ --exclude='*.pyc' --exclude=.pytest_cache ./ "$(SANITY_DIR)/"
	fi
	# ansible-test bootstraps pip in its sanity venvs with a script it downloads
	# from its own file server; where that is out of reach, use our stand-in.
	pip_version=$$("$(PY)" -c 'import ansible_test._internal.python_requirements as m, re, inspect; print(re.search(r"pip=.([0-9.]+).", inspect.getsource(m.get_venv_packages)).group(1))')
	get_pip="$$HOME/.ansible/test/cache/get_pip_$${pip_version//./_}.py"
	if [ ! -s "$$get_pip" ]; then
	  mkdir -p "$$(dirname "$$get_pip")"
	  cp tests/tools/ansible_test_get_pip.py "$$get_pip"
	fi
	cd "$(SANITY_DIR)"
	git -c init.defaultBranch=main init -q
	git add -A
	ansible-test sanity --local --python $(SANITY_PYTHON) --requirements $(SANITY_ARGS)

changelog-lint: venv
	antsibull-changelog lint

lint: venv collection-link
	ansible-lint $(LINT_ARGS)

# Scenarios live in extensions/molecule/; shared settings in extensions/molecule/config.yml.
molecule: venv collection-link
	cd extensions
	molecule -c molecule/config.yml test --all $(MOLECULE_ARGS)

build: venv
	mkdir -p build
	ansible-galaxy collection build --force --output-path build .

# Runs every suite even when one fails, prints each suite's result and time,
# then one summary line; exits non-zero when any suite failed. A suite whose
# test folder does not exist yet is reported as skipped, never as passed.
test: venv collection-link
	@passed=0; failed=(); skipped=(); start=$$(date +%s)
	for suite in $(SUITES); do
	  echo
	  echo "=================================================== suite: $$suite"
	  case "$$suite" in
	    labtest) needs=tests/labtest ;;
	    integration) needs=tests/integration ;;
	    molecule) needs=extensions/molecule ;;
	    *) needs= ;;
	  esac
	  if [ -n "$$needs" ] && [ ! -d "$$needs" ]; then
	    skipped+=("$$suite")
	    echo "=================================================== suite: $$suite skipped ($$needs does not exist)"
	    continue
	  fi
	  t0=$$(date +%s)
	  if $(MAKE) --no-print-directory "$$suite"; then
	    passed=$$((passed + 1)); result=passed
	  else
	    failed+=("$$suite"); result=FAILED
	  fi
	  echo "=================================================== suite: $$suite $$result in $$(( $$(date +%s) - t0 ))s"
	done
	echo
	echo "total time: $$(( $$(date +%s) - start ))s"
	if [ $${#skipped[@]} -gt 0 ]; then echo "skipped suites: $${skipped[*]}"; fi
	if [ $${#failed[@]} -gt 0 ]; then echo "failed suites: $${failed[*]}"; fi
	summary="suites: $$passed passed, $${#failed[@]} failed"
	if [ $${#skipped[@]} -gt 0 ]; then summary="$$summary, $${#skipped[@]} skipped"; fi
	echo "$$summary"
	[ $${#failed[@]} -eq 0 ]
