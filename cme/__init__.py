"""Children missing education tracker.

The modules directly in this package are the domain core: plain Python with no framework
imports (a unit test enforces that). Storage, jobs, the web app and the CLI live in their own
subpackages and modules and depend on the core, never the other way round.
"""
