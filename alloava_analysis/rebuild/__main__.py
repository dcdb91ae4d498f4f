"""``python -m alloava_analysis.rebuild``."""
import sys

from . import main

sys.exit(main())
