package org.hsmkit.core.internal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Security;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CRLException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;

import javax.crypto.Cipher;

import org.bouncycastle.cert.X509CRLHolder;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * The Bouncy Castle provider instance hsmkit uses, passed explicitly to JCA calls rather than
 * registered globally, so hsmkit does not change the host application's provider order.
 *
 * <p>Making the provider registers every algorithm Bouncy Castle has and took 0.46 s here, so the
 * helpers below use the JDK where it suffices and Bouncy Castle only for what the JDK lacks
 * (brainpool curves above all).
 */
public final class Providers {
    /** Made on first use only, not when the helpers below are first called. */
    private static final class Lazy {
        static final Provider BC = new BouncyCastleProvider();
    }

    private Providers() {
    }

    public static Provider bc() {
        return Lazy.BC;
    }

    /** The JDK's own cipher provider, or null in a runtime without it. */
    private static final class Jdk {
        static final Provider SUN_JCE = Security.getProvider("SunJCE");
    }

    /**
     * The JDK's SunJCE provider (its AES uses the CPU's AES instructions), or Bouncy Castle's in a
     * runtime without it: for the Bouncy Castle builders that take a provider for their content cipher.
     */
    public static Provider jdkAesOrBc() {
        return Jdk.SUN_JCE != null ? Jdk.SUN_JCE : bc();
    }

    /**
     * A cipher from the JDK's SunJCE provider, or from the usual lookup in a runtime without it.
     * Named explicitly because {@code Cipher.getInstance(transformation)} asks the providers in turn
     * for each spelling of the transformation ("AES/GCM/NoPadding", "AES/GCM", "AES//NoPadding",
     * "AES"), most of which none registers, parsing their service tables on the way: in a batch
     * encryption that was a tenth of the Java time per file (JFR, 3,000 files of 4 KiB).
     */
    public static Cipher jdkCipher(String transformation) throws GeneralSecurityException {
        Provider p = Jdk.SUN_JCE;
        return p != null ? Cipher.getInstance(transformation, p) : Cipher.getInstance(transformation);
    }

    /**
     * True when {@code key} verifies the signature of {@code cert}: the JDK first, then Bouncy
     * Castle (for a wrong signature too, as the JDK reports an unsupported curve the same way).
     */
    public static boolean verifies(X509Certificate cert, PublicKey key) {
        try {
            cert.verify(key);
            return true;
        } catch (GeneralSecurityException | RuntimeException e) {
            // a wrong signature, or an algorithm or curve the JDK lacks
        }
        try {
            cert.verify(key, bc());
            return true;
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    /**
     * A certificate as a JCA object: the JDK's for RSA keys and EC keys on curves the JDK knows,
     * Bouncy Castle's for the rest (brainpool). Opening a soft token reads one per key, and setting
     * up Bouncy Castle's provider for them took 0.3-0.4 s of every such command.
     */
    public static X509Certificate certificate(X509CertificateHolder holder) throws GeneralSecurityException {
        try {
            X509Certificate jdk = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(holder.getEncoded()));
            if (jdk.getPublicKey() instanceof RSAPublicKey || jdk.getPublicKey() instanceof ECPublicKey) {
                return jdk;
            }
        } catch (IOException e) {
            throw new CertificateEncodingException(e.getMessage(), e);
        }
        return new JcaX509CertificateConverter().setProvider(bc()).getCertificate(holder);
    }

    /** A CRL as the JDK's JCA object (its signature is checked against the issuer's key when used). */
    public static X509CRL crl(X509CRLHolder holder) throws GeneralSecurityException {
        try {
            return (X509CRL) CertificateFactory.getInstance("X.509").generateCRL(new ByteArrayInputStream(holder.getEncoded()));
        } catch (IOException e) {
            throw new CRLException(e.getMessage(), e);
        }
    }
}
