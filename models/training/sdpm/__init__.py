"""SDPM (synchronous image-label diffusion) training package: network, diffusion, losses, training,
reference sampler, evaluation and ONNX/bundle export. See models/training/README.md."""
