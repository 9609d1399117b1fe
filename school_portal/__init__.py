"""Pages for school staff: attendance officers and designated safeguarding leads."""

from school_portal.cases import SchoolCasesController
from school_portal.controllers import SchoolController
from school_portal.figures import SchoolFiguresController
from school_portal.leave import LeaveController
from school_portal.pupil_details import PupilDetailsController
from school_portal.registers import RegisterController

CONTROLLERS = [SchoolController, RegisterController]
CONTROLLERS.append(LeaveController)
CONTROLLERS.append(SchoolCasesController)
CONTROLLERS.append(PupilDetailsController)
# The school's figures (issue 12).
CONTROLLERS.append(SchoolFiguresController)
