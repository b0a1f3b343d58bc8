"""Partitioned vector tables: one HNSW index per partition, pruning, merged top k."""
