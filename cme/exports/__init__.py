"""Documents the tracker writes (spreadsheets): framework side, not the rules."""
