"""The ``reflacx-gaze`` task, one module per concern.

* :mod:`.task` — :class:`~.task.ReflacxGazeTask`: load REFLACX, preprocess gaze, build samples.
* :mod:`.context` — :class:`~.context.GazeContext`: the typed state scoring reads.
* :mod:`.conventions` — metric conventions; :mod:`.labels` — sentence / report categories.
* :mod:`.setting1` — setting-1 aux stages; :mod:`.scoring`, :mod:`.metrics`, :mod:`.tables` — scoring.
"""

from gazex_bench.tasks.reflacx_gaze.task import ReflacxGazeTask

__all__ = ["ReflacxGazeTask"]
