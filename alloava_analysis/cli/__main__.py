"""``python -m alloava_analysis.cli``."""
import sys

from . import main

sys.exit(main())
