"""The training schedule shared by every backend: epochs, progress, history, callbacks."""
