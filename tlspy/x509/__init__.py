"""tlspy.x509: certificates, keys, PEM and RFC 5280 path validation.

Depends on tlspy.asn1 and nocrypto only.  Revocation (CRL, OCSP) is not
checked: a chain that validates here may still have been revoked.
"""

from tlspy.x509.cert import Certificate, load_pem_certificates
from tlspy.x509.errors import CertificateParseError, ValidationError, X509Error
from tlspy.x509.extensions import GeneralName
from tlspy.x509.keys import AlgorithmIdentifier, PrivateKey, PublicKey
from tlspy.x509.name import Attribute, Name
from tlspy.x509.ops import DefaultOps, Ops
from tlspy.x509.store import TrustStore
from tlspy.x509.verify import Chain, Policy, verify_chain

__all__ = [
    "AlgorithmIdentifier", "Attribute", "Certificate", "CertificateParseError", "Chain",
    "DefaultOps", "GeneralName", "Name", "Ops", "Policy", "PrivateKey", "PublicKey", "TrustStore",
    "ValidationError", "X509Error", "load_pem_certificates", "verify_chain",
]
