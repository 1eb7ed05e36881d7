"""Wirewatch: news monitoring and alerting."""

import os

# One BLAS thread: the story model multiplies small matrices, where more threads only add
# CPU time, and the service shares its cores with polling. Set before numpy loads (every
# entry point imports this package first); an explicit setting in the environment wins.
for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

__version__ = "0.1.0"
