"""The embedding model: the bundled multilingual-e5-small, other sentence-transformers models, the hashing stand-in."""
