"""tlspy.x509: certificates, keys, PEM, CSRs and RFC 5280 path validation.

    from tlspy import x509
    leaf, *chain = x509.load_pem_certificates(pem_bytes)
    roots = x509.TrustStore.system()          # or .from_file(path) / .from_directory(path)
    chain = x509.verify_chain(leaf, chain, roots, name="example.com")
    # raises x509.ValidationError(.reason, .index) when no path validates

Depends on tlspy.asn1 and nocrypto only.  The validation profile is RFC 5280
with the Web PKI (CA/B Forum) rules where they are stricter: v3 only, EKU
required in the leaf, CA/leaf roles kept apart, RSA >= 2048 bits, ECDSA P-256/P-384
and Ed25519, no SHA-1 or MD5 signatures (SHA-1 with allow_sha1=True).  The
host name is matched against the subjectAltName only (RFC 9525; the subject
CN is never used), reference names must be A-labels, and the validation time
is taken at one-second granularity.

Not checked: revocation (CRL, OCSP) and certificate policies (policy trees,
policy mapping); a requireExplicitPolicy that takes effect in the path fails
validation ("unsupported-policy") rather than pass unchecked.  A chain that
validates here may still have been revoked.
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
