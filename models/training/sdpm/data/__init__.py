"""Data for SDPM training: synthetic NCCT lesions, readers for real datasets, the slice dataset."""
