# -*- coding: utf-8 -*-
# Copyright: contributors to vcdops.platform
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Stand-in for the pip bootstrap script ansible-test downloads for its sanity venvs.

ansible-test creates each sanity virtual environment without pip and then runs a
"get-pip" script, which it downloads from its own CI file server into
``~/.ansible/test/cache/get_pip_<version>.py``. Where only the package registries
can be reached, ``make sanity`` puts this file at that path instead (only when
nothing is cached there). It is run as ``__main__`` inside the new venv with the
same arguments, e.g. ``--disable-pip-version-check pip==24.2 --no-setuptools --no-wheel``,
and does the same job: it installs that pip, from the package index, with the
interpreter's own ensurepip as the starting point.
"""

from __future__ import absolute_import, division, print_function

import subprocess
import sys

__metaclass__ = type  # pylint: disable=invalid-name

GET_PIP_ONLY = ("--no-setuptools", "--no-wheel")


def main(argv):
    """Install pip (and the packages named in ``argv``) into this interpreter."""
    pip_args = [arg for arg in argv if arg not in GET_PIP_ONLY]
    subprocess.check_call([sys.executable, "-m", "ensurepip", "--default-pip"])
    subprocess.check_call([sys.executable, "-m", "pip", "install"] + pip_args)
    if "--no-setuptools" in argv:
        # ensurepip may bring setuptools along; the real script would not have.
        subprocess.call([sys.executable, "-m", "pip", "uninstall", "-y", "-q", "setuptools"])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
