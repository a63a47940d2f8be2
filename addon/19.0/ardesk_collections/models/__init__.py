from . import collection_note
from . import collection_note_series
from . import res_partner
from . import account_move
