"""Device listing for the tensorflow backend (imports tensorflow when called)."""

from __future__ import annotations

__all__ = ["list_devices"]


def list_devices() -> list[str]:
    """The device kinds TensorFlow sees here, best first; always ends with ``"cpu"``.

    A visible GPU is reported as ``"cuda"`` (TensorFlow's GPUs are CUDA devices;
    Apple's Metal plugin also shows up as a GPU and is reported as ``"mps"``).
    """
    from genesis_tensorflow.framework import import_tensorflow

    tf = import_tensorflow()

    found: list[str] = []
    gpus = tf.config.list_physical_devices("GPU")
    if gpus:
        import sys

        found.append("mps" if sys.platform == "darwin" else "cuda")
    found.append("cpu")
    return found
