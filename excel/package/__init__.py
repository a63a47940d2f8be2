"""Headless refresh of the control panel file: program-owned sheets replaced inside the package, atomically.

The workbook is never loaded and re-saved as a whole: only the data sheets' parts (and the output named cells)
change, so everything a person or a spreadsheet program put in the file (notes, macros, buttons, charts,
styles) stays as it was.
"""

from .lock import workbook_lock
from .notes import erase_notes, write_notes
from .read import read_inputs, read_notes, read_reminder_choices, read_today
from .strings import drop_unused_strings, read_rows
from .write import write_panel_data

__all__ = ["drop_unused_strings", "erase_notes", "read_inputs", "read_notes", "read_reminder_choices", "read_rows",
           "read_today", "workbook_lock", "write_notes", "write_panel_data"]
