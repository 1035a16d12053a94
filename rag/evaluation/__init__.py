"""Retrieval evaluation: gold sets, metrics, runs over every retriever, and reports."""
