"""Pages for local authority staff: CME officers and LA administrators."""

from la_portal.admin import AdminController
from la_portal.controllers import LAController
from la_portal.policy import PolicyController

CONTROLLERS = [LAController, AdminController, PolicyController]
