"""The answer: status and what is missing, sentence choice, the answer card, follow-ups, glossary, text/JSON."""
