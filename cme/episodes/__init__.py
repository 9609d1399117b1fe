"""Children missing from home or care: the police's episodes, the return interview that
follows each, and the triggers that call for more (RULES.md §7). Plain Python, no I/O."""
