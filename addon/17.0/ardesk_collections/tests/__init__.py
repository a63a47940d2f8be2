from . import test_collection_note
