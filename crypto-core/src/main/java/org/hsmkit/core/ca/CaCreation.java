package org.hsmkit.core.ca;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Optional;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.hsmkit.core.ErrorKind;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.TokenKey;
import org.hsmkit.core.internal.Providers;
import org.hsmkit.core.internal.ca.CaDatabase;
import org.hsmkit.core.internal.ca.CaFiles;
import org.hsmkit.core.internal.ca.CertificateRequests;
import org.hsmkit.core.internal.ca.ProfileRules;

/**
 * Making a CA directory: a root certificate, an intermediate's request, and later its
 * certificate. Behind {@link CertificateAuthority#init}, {@link CertificateAuthority#initIntermediate}
 * and {@link CertificateAuthority#importCertificate}; {@code ca.conf} is written last, so an
 * interrupted init leaves no CA.
 */
final class CaCreation {
    private CaCreation() {
    }


    /**
     * Makes a root CA in {@code dir} (created when missing; it must not be a CA already): a
     * self-signed certificate on {@code key} with key usage keyCertSign, cRLSign and
     * digitalSignature (to sign OCSP responses itself), and an empty issuance database.
     *
     * @param pathLength how many intermediate CAs may follow; empty for no limit
     */
    static X509Certificate root(Path dir, TokenKey key, X500Name subject, Validity validity, Optional<Integer> pathLength,
            CaSettings settings) {
        prepare(dir);
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        SubjectPublicKeyInfo spki = SubjectPublicKeyInfo.getInstance(key.publicKey().getEncoded());
        X509v3CertificateBuilder b = new X509v3CertificateBuilder(subject, CertificateAuthority.newSerial(), Date.from(now.minus(1, ChronoUnit.MINUTES)),
                Date.from(validity.after(now)), subject, spki);
        try {
            org.bouncycastle.asn1.x509.BasicConstraints bc = pathLength.isPresent()
                    ? new org.bouncycastle.asn1.x509.BasicConstraints(pathLength.get())
                    : new org.bouncycastle.asn1.x509.BasicConstraints(true);
            b.addExtension(Extension.basicConstraints, true, bc);
            b.addExtension(Extension.keyUsage, true, new org.bouncycastle.asn1.x509.KeyUsage(ProfileRules.caKeyUsage()));
            org.bouncycastle.cert.bc.BcX509ExtensionUtils utils = new org.bouncycastle.cert.bc.BcX509ExtensionUtils();
            b.addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(spki));
            b.addExtension(Extension.authorityKeyIdentifier, false, utils.createAuthorityKeyIdentifier(spki));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        X509Certificate cert = CaFiles.certificate(b.build(CertificateAuthority.signer(key)));
        CertificateAuthority.requireSignedBy(cert, key);
        CaDatabase.create(dir.resolve(CaDatabase.FILE)).close();
        CaFiles.write(dir.resolve(CertificateAuthority.CERTIFICATE_FILE), CaFiles.pem(List.of(cert)), false);
        CaFiles.write(dir.resolve(CertificateAuthority.CHAIN_FILE), CaFiles.pem(List.of(cert)), false);
        CaFiles.write(dir.resolve(CaSettings.FILE), settings.text(), false);
        return cert;
    }

    /**
     * Makes an intermediate CA in {@code dir} that waits for its certificate: writes a request
     * ({@code ca.csr}, asking for a CA certificate with the CA key usages and the path length)
     * signed by {@code key}, and an empty database. Have another CA sign it (for example
     * {@code hsmkit ca issue --profile sub-ca}), then {@link #importCertificate}.
     */
    static PKCS10CertificationRequest intermediate(Path dir, TokenKey key, X500Name subject,
            Optional<Integer> pathLength, CaSettings settings) {
        prepare(dir);
        org.bouncycastle.pkcs.PKCS10CertificationRequestBuilder b = new org.bouncycastle.pkcs.PKCS10CertificationRequestBuilder(
                subject, SubjectPublicKeyInfo.getInstance(key.publicKey().getEncoded()));
        try {
            org.bouncycastle.asn1.x509.ExtensionsGenerator ext = new org.bouncycastle.asn1.x509.ExtensionsGenerator();
            ext.addExtension(Extension.basicConstraints, true, pathLength.isPresent()
                    ? new org.bouncycastle.asn1.x509.BasicConstraints(pathLength.get())
                    : new org.bouncycastle.asn1.x509.BasicConstraints(true));
            ext.addExtension(Extension.keyUsage, true, new org.bouncycastle.asn1.x509.KeyUsage(ProfileRules.caKeyUsage()));
            b.addAttribute(org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, ext.generate());
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        PKCS10CertificationRequest csr = b.build(CertificateAuthority.signer(key));
        CertificateRequests.requireValidSignature(csr, "made on the token");
        CaDatabase.create(dir.resolve(CaDatabase.FILE)).close();
        CaFiles.write(dir.resolve(CertificateAuthority.REQUEST_FILE), CaFiles.pem(List.of(csr)), false);
        CaFiles.write(dir.resolve(CaSettings.FILE), settings.text(), false);
        return csr;
    }

    /**
     * Gives an intermediate CA made by {@link #initIntermediate} (or a CA whose certificate is
     * renewed) its certificate: the one among {@code certificates} whose public key is the CA key's,
     * which must be a CA certificate allowed to sign certificates and currently valid. The others
     * are kept as its issuers in {@code chain.pem}.
     */
    static X509Certificate importCertificate(Path dir, TokenKey key, List<X509Certificate> certificates) {
        CaSettings.read(dir);
        X509Certificate mine = certificates.stream().filter(c -> CertificateAuthority.sameKey(c, key)).findFirst()
                .orElseThrow(() -> HsmkitException.input("no certificate in the file is for the CA key " + CertificateAuthority.describe(key),
                        "import the certificate issued for " + dir.resolve(CertificateAuthority.REQUEST_FILE)));
        if (mine.getBasicConstraints() < 0) {
            throw HsmkitException.input("the certificate for " + CertificateAuthority.subject(mine) + " is not a CA certificate (basic constraints CA:FALSE)",
                    "have it issued as a CA certificate (hsmkit: --profile sub-ca)");
        }
        boolean[] ku = mine.getKeyUsage();
        if (ku != null && !(ku.length > 5 && ku[5])) {
            throw HsmkitException.input("the certificate for " + CertificateAuthority.subject(mine) + " does not allow keyCertSign",
                    "have it issued with key usage keyCertSign and cRLSign");
        }
        CertificateAuthority.requireCurrent(mine, Instant.now());
        List<X509Certificate> chain = new ArrayList<>();
        chain.add(mine);
        X509Certificate at = mine;
        while (!at.getIssuerX500Principal().equals(at.getSubjectX500Principal())) {
            X509Certificate current = at;
            Optional<X509Certificate> issuer = certificates.stream()
                    .filter(c -> c != current && c.getSubjectX500Principal().equals(current.getIssuerX500Principal())
                            && Providers.verifies(current, c.getPublicKey())).findFirst();
            if (issuer.isEmpty() || chain.contains(issuer.get())) {
                break;
            }
            chain.add(issuer.get());
            at = issuer.get();
        }
        CaFiles.write(dir.resolve(CertificateAuthority.CERTIFICATE_FILE), CaFiles.pem(List.of(mine)), true);
        CaFiles.write(dir.resolve(CertificateAuthority.CHAIN_FILE), CaFiles.pem(chain), true);
        return mine;
    }

    private static void prepare(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (java.io.IOException e) {
            throw HsmkitException.io("cannot create the CA directory " + dir + ": " + e.getMessage(), e);
        }
        if (Files.exists(dir.resolve(CaSettings.FILE))) {
            throw new HsmkitException(ErrorKind.USAGE, dir + " is a certificate authority already",
                    "choose another directory with --ca DIR");
        }
        // ca.conf is written last: without it, whatever an interrupted init left is not a CA, unless
        // its database holds certificates (then ca.conf was lost, and an init would destroy records)
        Path db = dir.resolve(CaDatabase.FILE);
        if (Files.exists(db)) {
            int issued;
            try (CaDatabase old = CaDatabase.open(db)) {
                issued = old.all().size();
            } catch (HsmkitException unreadable) {
                issued = 0; // a database an interrupted init left half-made
            }
            if (issued > 0) {
                throw new HsmkitException(ErrorKind.USAGE, dir + " has no " + CaSettings.FILE + " but its database records "
                        + issued + " issued certificate(s)", "restore " + CaSettings.FILE + " from a backup rather than making a new CA here");
            }
        }
        CaFiles.removeLeftovers(dir, CaDatabase.FILE, CaDatabase.FILE + "-wal", CaDatabase.FILE + "-shm", CertificateAuthority.CERTIFICATE_FILE,
                CertificateAuthority.CHAIN_FILE, CertificateAuthority.REQUEST_FILE);
    }
}
