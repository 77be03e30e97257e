"""Reference baselines every results table carries (oracle, random, retrieval, priors)."""
