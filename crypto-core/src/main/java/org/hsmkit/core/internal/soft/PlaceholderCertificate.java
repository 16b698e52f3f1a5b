package org.hsmkit.core.internal.soft;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;

import javax.security.auth.x500.X500Principal;

import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.internal.Providers;

/**
 * The stand-in certificate the software token stores with a key that has no certificate yet.
 *
 * <p>A PKCS#12 key entry is paired with a certificate by most readers (the JDK's KeyStore,
 * keytool, Windows), and the certificate is also where the software token keeps the public key.
 * So a freshly generated key gets a self-signed certificate whose subject and issuer are exactly
 * {@value #SUBJECT}. A certificate is a placeholder when both names are that DN and the
 * certificate verifies with its own key; such a certificate is never shown as the key's
 * certificate, and storing a real certificate replaces it.
 */
public final class PlaceholderCertificate {
    /** The subject and issuer DN that marks a placeholder. */
    public static final String SUBJECT = "CN=hsmkit placeholder,OU=no certificate stored for this key";
    private static final X500Principal NAME = new X500Principal(SUBJECT);

    private PlaceholderCertificate() {
    }

    public static X509Certificate create(KeyPair keys) {
        try {
            Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
            JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(NAME, BigInteger.ONE,
                    Date.from(now.minus(1, ChronoUnit.DAYS)), Date.from(now.plus(36500, ChronoUnit.DAYS)), NAME,
                    keys.getPublic());
            String alg = keys.getPublic().getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
            ContentSigner signer = new JcaContentSignerBuilder(alg).setProvider(Providers.bc()).build(keys.getPrivate());
            return new JcaX509CertificateConverter().setProvider(Providers.bc()).getCertificate(b.build(signer));
        } catch (Exception e) {
            throw new HsmkitException(org.hsmkit.core.ErrorKind.KEY, "cannot make the placeholder certificate: " + e.getMessage(),
                    null, e);
        }
    }

    public static boolean is(X509Certificate c) {
        if (!NAME.equals(c.getSubjectX500Principal()) || !NAME.equals(c.getIssuerX500Principal())) {
            return false;
        }
        return Providers.verifies(c, c.getPublicKey());
    }
}
