"""The text layer: Sudachi, JMdict, scripts and the words of questions and passages."""
