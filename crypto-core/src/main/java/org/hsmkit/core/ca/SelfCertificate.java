package org.hsmkit.core.ca;

import java.io.IOException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Date;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.bc.BcX509ExtensionUtils;
import org.hsmkit.core.TokenKey;
import org.hsmkit.core.internal.ca.CaFiles;
import org.hsmkit.core.internal.ca.ProfileRules;

/**
 * A self-signed end-entity certificate for a key on the token, signed there: for a signer who
 * has no CA, and whose relying parties take the certificate itself as their trust anchor (for
 * example {@code hsmkit verify --trust alice.pem}). Not a CA certificate (basic constraints
 * CA:FALSE): it can certify nothing else.
 *
 * <p>Key usage digitalSignature and nonRepudiation, with keyEncipherment (RSA) or keyAgreement
 * (EC) so that files and mail can be encrypted to it; extended key usage emailProtection when
 * the names hold an e-mail address (S/MIME clients require it then), else none, which leaves the
 * key's use open (PDF and CMS signatures).
 */
public final class SelfCertificate {
    private SelfCertificate() {
    }

    /**
     * Makes and checks the certificate (its signature must verify with the key's public key).
     *
     * @param names subject alternative names, or null for none
     */
    public static X509Certificate issue(TokenKey key, X500Name subject, GeneralNames names, Validity validity) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        SubjectPublicKeyInfo spki = SubjectPublicKeyInfo.getInstance(key.publicKey().getEncoded());
        // a minute back, so that a verifier whose clock is a little behind does not see it as not yet valid
        X509v3CertificateBuilder b = new X509v3CertificateBuilder(subject, CertificateAuthority.newSerial(),
                Date.from(now.minus(1, ChronoUnit.MINUTES)), Date.from(validity.after(now)), subject, spki);
        try {
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            // the key usages of the CA's S/MIME profile: signing, non-repudiation, and encryption to the key
            b.addExtension(Extension.keyUsage, true, new KeyUsage(ProfileRules.keyUsage(Profile.SMIME, key.type().isRsa())));
            if (names != null) {
                b.addExtension(Extension.subjectAlternativeName, false, names);
                if (Arrays.stream(names.getNames()).anyMatch(n -> n.getTagNo() == GeneralName.rfc822Name)) {
                    b.addExtension(Extension.extendedKeyUsage, false,
                            new ExtendedKeyUsage(ProfileRules.extendedKeyUsage(Profile.SMIME).toArray(KeyPurposeId[]::new)));
                }
            }
            BcX509ExtensionUtils utils = new BcX509ExtensionUtils();
            b.addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(spki));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        X509Certificate cert = CaFiles.certificate(b.build(CertificateAuthority.signer(key)));
        CertificateAuthority.requireSignedBy(cert, key);
        return cert;
    }
}
