"""Framework-neutral definitions of the methods: specs, weights, numpy inference."""
