"""The partnership's figures, counted by the database (issue 12)."""
