"""The ``tridb`` command line: a thin shell over the library's public functions."""
