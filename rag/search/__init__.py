"""Search: reading a question, the lexicon and readings, candidates, exact features, ranking."""
