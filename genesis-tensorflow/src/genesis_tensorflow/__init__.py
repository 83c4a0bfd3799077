"""Genesis backend for TensorFlow."""
