"""GazeX training and inference on Qwen2-VL with LoRA.

Depends on :mod:`gazex_bench` for data and gaze preprocessing (never the reverse).
Importing this package does not import torch; submodules do.
"""

__all__: list[str] = []
