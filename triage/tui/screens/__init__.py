"""The console's screens, one a module; the modals share one base in dialogs.py."""
