"""Fixtures of the reliability suite (helpers in ``reliability_helpers``)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from reliability_helpers import gb, phantom_copy  # noqa: E402,F401  (fixtures)
