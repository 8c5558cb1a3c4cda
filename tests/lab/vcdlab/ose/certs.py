"""OSE certificates for the lab, signed by the lab CA (run dir ``ose/<az>/``).

* ``ose.p12`` (password ``P12_PASSWORD``): SANs ose.<az>.lab.vcdops.test, s3.<fqdn>, *.s3.<fqdn>;
* ``ose-no-wildcard.p12``: the same without ``*.s3.<fqdn>`` (for the negative test);
* ``ose.pem`` / ``ose-key.pem``: the first one as PEM.
"""
import datetime
import os

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from ..tls import ensure_certs

P12_PASSWORD = "lab-P12-Passw0rd!"


def fqdn(az):
    return "ose.%s.lab.vcdops.test" % az


def _make(ca_cert, ca_key, names, days=398):
    now = datetime.datetime.now(datetime.timezone.utc)
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0])]))
            .issuer_name(ca_cert.subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=days))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(n) for n in names]), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .sign(ca_key, hashes.SHA256()))
    return key, cert


def ensure(run_dir, az):
    d = os.path.join(run_dir, "ose", az)
    p12 = os.path.join(d, "ose.p12")
    if os.path.exists(p12):
        return d
    os.makedirs(d, exist_ok=True)
    ca_pem, _, _ = ensure_certs(run_dir)
    with open(ca_pem, "rb") as f:
        ca_cert = x509.load_pem_x509_certificate(f.read())
    with open(os.path.join(run_dir, "ca-key.pem"), "rb") as f:
        ca_key = serialization.load_pem_private_key(f.read(), None)
    name = fqdn(az)
    enc = serialization.BestAvailableEncryption(P12_PASSWORD.encode())
    for fname, names in (("ose", [name, "s3." + name, "*.s3." + name]),
                         ("ose-no-wildcard", [name, "s3." + name])):
        key, cert = _make(ca_cert, ca_key, names)
        with open(os.path.join(d, fname + ".p12"), "wb") as f:
            f.write(pkcs12.serialize_key_and_certificates(fname.encode(), key, cert, [ca_cert], enc))
        if fname == "ose":
            with open(os.path.join(d, "ose.pem"), "wb") as f:
                f.write(cert.public_bytes(serialization.Encoding.PEM))
            with open(os.path.join(d, "ose-key.pem"), "wb") as f:
                f.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                          serialization.NoEncryption()))
            os.chmod(os.path.join(d, "ose-key.pem"), 0o600)
    return d
