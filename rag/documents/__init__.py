"""Documents in: corpus files, readers per format, sectioners, sentences, chunking, normalisation."""
