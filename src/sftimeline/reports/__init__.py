"""Read-only reports built from decisions: the auditor's replay and the HTML audit pack.

Pure functions of records and a framework (no CLI, no SQL, no files): the commands in
``sftimeline.commands.audit`` open the store and write the output.
"""
