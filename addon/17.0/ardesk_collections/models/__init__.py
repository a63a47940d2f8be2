from . import account_move, collection_note, collection_note_series, res_partner
