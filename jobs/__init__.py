"""Use cases shared by the command line, the workbook's buttons and the scheduler."""
