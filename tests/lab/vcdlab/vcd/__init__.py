"""Area modules: every module in this package is imported at start (auto-discovery).

Each registers routes with `vcdlab.framework.route` and seed data with `seed_hook`.
See docs/dev/lab-interface.md.
"""
