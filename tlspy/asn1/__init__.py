"""tlspy.asn1: DER combinators.  One grammar value parses strict DER and serializes.

    >>> from tlspy.asn1 import sequence, required, optional, INTEGER, BOOLEAN
    >>> g = sequence(required("n", INTEGER), optional("flag", BOOLEAN))
    >>> g.parse(g.serialize((5, None)))
    (5, None)

No X.509 knowledge lives here.
"""

from tlspy.asn1._core import *  # noqa: F403
from tlspy.asn1._core import __all__ as __all__
