"""Cases: a child's absence carried from day one until the child is found, the absence is
explained or the child is lawfully removed from roll (RULES.md §5-§6). Plain Python: the
clock, the removal gate and the rules that open and close cases read facts, never a database.
"""
