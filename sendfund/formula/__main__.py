"""``python -m sendfund.formula --schools S.csv --pot 9400000 --version V.json --output OUT.csv``"""

import sys

from .fileio import main

sys.exit(main())
