"""Broadsheet: save news stories and read them later."""
