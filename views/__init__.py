"""The view layer's texts: what survey/ computes (codes and numbers) in the words of a language."""
