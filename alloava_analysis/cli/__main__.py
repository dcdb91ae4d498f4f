"""``python -m alloava_analysis.cli``."""
from . import console

console()
