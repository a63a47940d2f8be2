Attribute VB_Name = "ArdeskButtons"
' The control panel's buttons. Each Form button on Control is bound to one macro here; each macro is one line
' calling its function in the Python package excel.buttons through xlwings' RunPython (module xlwings).
' Python and ardesk are found through the hidden sheet xlwings.conf (Interpreter_Win / Interpreter_Mac).
Option Explicit

Sub ArdeskRefresh()
    RunPython "import excel.buttons as b; b.refresh()"
End Sub

Sub ArdeskRunAging()
    RunPython "import excel.buttons as b; b.run_aging()"
End Sub

Sub ArdeskRunDso()
    RunPython "import excel.buttons as b; b.run_dso()"
End Sub

Sub ArdeskPushNotes()
    RunPython "import excel.buttons as b; b.push_notes()"
End Sub

Sub ArdeskBuildReminders()
    RunPython "import excel.buttons as b; b.build_reminders()"
End Sub

Sub ArdeskSendReminders()
    RunPython "import excel.buttons as b; b.send_reminders()"
End Sub
