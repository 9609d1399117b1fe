"""Pages for local authority staff: CME officers and LA administrators."""

from typing import Any

from la_portal.admin import AdminController
from la_portal.audit import AuditController
from la_portal.cases import LACasesController, la_cases_xlsx
from la_portal.controllers import LAController
from la_portal.episodes import EpisodesController, episodes_xlsx
from la_portal.figures import FiguresController, figures_xlsx
from la_portal.figures_pack import figures_pack, figures_pack_xlsx
from la_portal.matches import MatchesController, matches_xlsx
from la_portal.missing_children import MissingChildrenController
from la_portal.partnership import PartnershipController, partnership_xlsx
from la_portal.policy import PolicyController
from la_portal.terms import TermsController
from la_portal.users import UsersController

CONTROLLERS: list[Any] = [
    LAController,
    AdminController,
    PolicyController,
    UsersController,
    AuditController,
]
CONTROLLERS.append(TermsController)
CONTROLLERS.append(LACasesController)
CONTROLLERS.append(la_cases_xlsx)
# Missing from home or care (issue 10).
CONTROLLERS += [EpisodesController, episodes_xlsx, MissingChildrenController]
# The partnership's cross-check lists (issue 11).
CONTROLLERS += [PartnershipController, partnership_xlsx]
# Cross-matching episodes with pupils (issue 11).
CONTROLLERS += [MatchesController, matches_xlsx]
# The partnership's figures (issue 12).
CONTROLLERS += [FiguresController, figures_xlsx]
# The partnership's termly pack (issue 12).
CONTROLLERS += [figures_pack, figures_pack_xlsx]
