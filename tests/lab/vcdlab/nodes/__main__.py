"""python -m vcdlab.nodes up|down|status  (see vcdlab/nodes/__init__.py)."""
import sys

from . import main

sys.exit(main(sys.argv[1:]))
