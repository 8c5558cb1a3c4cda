"""Lab CA and server certificate (created once in the run dir, then reused)."""
import datetime
import ipaddress
import os

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

SAN_DNS = ["localhost"]
SAN_IP = ["127.0.0.1", "10.231.0.1"]


def _write(path, data, private=False):
    with open(path, "wb") as f:
        f.write(data)
    if private:
        os.chmod(path, 0o600)


def _key_pem(key):
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def ensure_certs(run_dir):
    """Return (ca_pem, server_cert_pem, server_key_pem) paths, creating what is missing."""
    os.makedirs(run_dir, exist_ok=True)
    ca_pem = os.path.join(run_dir, "ca.pem")
    ca_key = os.path.join(run_dir, "ca-key.pem")
    srv_pem = os.path.join(run_dir, "server.pem")
    srv_key = os.path.join(run_dir, "server-key.pem")
    now = datetime.datetime.now(datetime.timezone.utc)
    if not (os.path.exists(ca_pem) and os.path.exists(ca_key)):
        key = ec.generate_private_key(ec.SECP256R1())
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "vcdlab CA"),
                          x509.NameAttribute(NameOID.ORGANIZATION_NAME, "vcdops lab")])
        cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
                .public_key(key.public_key()).serial_number(x509.random_serial_number())
                .not_valid_before(now - datetime.timedelta(days=1))
                .not_valid_after(now + datetime.timedelta(days=3650))
                .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
                .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False,
                                             key_encipherment=False, data_encipherment=False,
                                             key_agreement=False, key_cert_sign=True, crl_sign=True,
                                             encipher_only=False, decipher_only=False), critical=True)
                .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
                .sign(key, hashes.SHA256()))
        _write(ca_key, _key_pem(key), private=True)
        _write(ca_pem, cert.public_bytes(serialization.Encoding.PEM))
        for p in (srv_pem, srv_key):
            if os.path.exists(p):
                os.unlink(p)
    if not (os.path.exists(srv_pem) and os.path.exists(srv_key)):
        with open(ca_key, "rb") as f:
            ca_k = serialization.load_pem_private_key(f.read(), None)
        with open(ca_pem, "rb") as f:
            ca_c = x509.load_pem_x509_certificate(f.read())
        key = ec.generate_private_key(ec.SECP256R1())
        sans = [x509.DNSName(d) for d in SAN_DNS] + [x509.IPAddress(ipaddress.ip_address(i)) for i in SAN_IP]
        cert = (x509.CertificateBuilder()
                .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]))
                .issuer_name(ca_c.subject).public_key(key.public_key())
                .serial_number(x509.random_serial_number())
                .not_valid_before(now - datetime.timedelta(days=1))
                .not_valid_after(now + datetime.timedelta(days=825))
                .add_extension(x509.SubjectAlternativeName(sans), critical=False)
                .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
                .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
                .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_k.public_key()), critical=False)
                .sign(ca_k, hashes.SHA256()))
        _write(srv_key, _key_pem(key), private=True)
        _write(srv_pem, cert.public_bytes(serialization.Encoding.PEM))
    return ca_pem, srv_pem, srv_key
