"""``python -m gazex_bench`` is the same as ``gazex-bench``."""

from gazex_bench.cli import main

raise SystemExit(main())
