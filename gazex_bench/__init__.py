"""GazeX Bench: benchmark suite for chest X-ray VLMs that learn from radiologists' gaze.

Importing this package performs no I/O and imports neither torch nor the model
package (`gazex_model`); submodules are imported on demand.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
