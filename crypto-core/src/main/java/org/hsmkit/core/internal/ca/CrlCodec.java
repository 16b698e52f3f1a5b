package org.hsmkit.core.internal.ca;

import java.io.ByteArrayInputStream;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;

import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.internal.Providers;

/** CRLs as JCA objects: decoding, and checking a signature with the JDK first, Bouncy Castle for the rest. */
public final class CrlCodec {
    private CrlCodec() {
    }

    public static X509CRL decode(byte[] der) {
        try {
            return (X509CRL) CertificateFactory.getInstance("X.509").generateCRL(new ByteArrayInputStream(der));
        } catch (GeneralSecurityException e) {
            throw HsmkitException.input("cannot read a CRL: " + e.getMessage(), null, e);
        }
    }

    public static boolean verifies(X509CRL crl, PublicKey key) {
        try {
            crl.verify(key);
            return true;
        } catch (GeneralSecurityException | RuntimeException e) {
            // a wrong signature, or a curve the JDK lacks
        }
        try {
            crl.verify(key, Providers.bc());
            return true;
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }
}
