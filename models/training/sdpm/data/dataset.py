"""Alias kept for ``sdpm.train`` (``from .data.dataset import SliceDataset``); the code is in slice_dataset."""
from .slice_dataset import SliceDataset, split_cases

__all__ = ["SliceDataset", "split_cases"]
