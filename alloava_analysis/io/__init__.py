"""File input and output: the only subpackage that reads or writes files."""
