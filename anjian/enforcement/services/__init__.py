"""Every change in the enforcement app goes through these services, and through the one write
path (``core.workflow``): lock, version (409 on a stale copy), the actor's right (``policy``), the
state machine's step and guards (``choices``), the change, history and the event, in one
transaction. Pages, the API, the admin and the demo call them; nothing else sets a state.

The functions live in one module per record family and are all importable from here."""

from .cases import *  # noqa: F403
from .draws import *  # noqa: F403
from .inspections import *  # noqa: F403
from .plans import *  # noqa: F403
from .pool import *  # noqa: F403
