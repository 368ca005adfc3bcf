"""Search: the question understood (intent, condition, drugs), hybrid retrieval and the evidence-aware rerank."""
