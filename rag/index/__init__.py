"""The index: building it, the store on disk, checksums, vector indexes, calibration, the embedding cache."""
