"""Extra simulators started with the lab: each module here has start(lab) and stop(lab).

`lab` has `.run_dir`, `.port_base` and `.azs` ({"az1": Az, ...}; an Az has `.state`, `.port`, `.name`).
start() runs after the AZ servers listen and before `vcdlab start` returns.
"""
