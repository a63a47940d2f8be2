"""The Excel control panel: its layout as data, the builder, headless sheet replacement, and button entry points."""
