"""The partnership's measures (RULES.md §9, issue 12), as plain rules: the periods they are
read over, the facts kept from each register for them, and how a figure is summarised,
broken down and suppressed before it leaves the LA. The counting itself is SQL
(`cme.storage.measures`); what each figure counts is written in docs/rules.md §8."""
