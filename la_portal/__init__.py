"""Pages for local authority staff: CME officers and LA administrators."""

from la_portal.admin import AdminController
from la_portal.controllers import LAController

CONTROLLERS = [LAController, AdminController]
