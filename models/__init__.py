"""Pydantic models: the document model readers produce and the domain events derived from it."""
