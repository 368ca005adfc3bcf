"""Words and sentences: the shared word lists, sentence splitting, text clean-up, doses and the vocabulary."""
