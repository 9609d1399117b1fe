"""Pages for school staff: attendance officers and designated safeguarding leads."""

from school_portal.controllers import SchoolController

CONTROLLERS = [SchoolController]
