"""Pages for school staff: attendance officers and designated safeguarding leads."""

from school_portal.controllers import SchoolController
from school_portal.registers import RegisterController

CONTROLLERS = [SchoolController, RegisterController]
