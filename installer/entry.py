"""The bundle's entry script: the same ``main`` as the ``hall`` command of a pip install."""

import sys

from hall.__main__ import main

if __name__ == "__main__":
    sys.exit(main())
