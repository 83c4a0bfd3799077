"""Model files: safetensors weights plus JSON metadata, never pickle."""
