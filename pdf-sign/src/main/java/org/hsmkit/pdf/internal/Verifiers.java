package org.hsmkit.pdf.internal;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;

import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.tsp.TimeStampToken;
import org.hsmkit.core.internal.Providers;

/**
 * Signature and digest checks that use the JDK's providers first and Bouncy Castle's only when
 * the JDK cannot (brainpool curves, or an encoding the JDK is strict about): setting up Bouncy
 * Castle's provider costs about half a second of a command's start, and most PDFs are signed
 * with RSA or NIST curves. A check fails only when both fail.
 */
final class Verifiers {
    private Verifiers() {
    }

    private interface Check {
        boolean run(boolean bouncyCastle) throws Exception;
    }

    private static boolean jdkThenBc(Check check) {
        try {
            if (check.run(false)) {
                return true;
            }
        } catch (Exception e) {
            // the JDK lacks the algorithm or curve, or rejects the encoding: Bouncy Castle decides
        }
        try {
            return check.run(true);
        } catch (Exception e) {
            return false;
        }
    }

    static boolean signerInfo(SignerInformation signer, X509CertificateHolder cert) {
        return jdkThenBc(bc -> signer.verify(bc ? new JcaSimpleSignerInfoVerifierBuilder().setProvider(Providers.bc()).build(cert)
                : new JcaSimpleSignerInfoVerifierBuilder().build(cert)));
    }

    static boolean timeStampToken(TimeStampToken token, X509CertificateHolder cert) {
        return jdkThenBc(bc -> token.isSignatureValid(bc
                ? new JcaSimpleSignerInfoVerifierBuilder().setProvider(Providers.bc()).build(cert)
                : new JcaSimpleSignerInfoVerifierBuilder().build(cert)));
    }

    static boolean ocsp(BasicOCSPResp response, X509Certificate signer) {
        return jdkThenBc(bc -> response.isSignatureValid(bc
                ? new JcaContentVerifierProviderBuilder().setProvider(Providers.bc()).build(new JcaX509CertificateHolder(signer))
                : new JcaContentVerifierProviderBuilder().build(new JcaX509CertificateHolder(signer))));
    }

    static boolean crl(X509CRL crl, PublicKey issuerKey) {
        return jdkThenBc(bc -> {
            if (bc) {
                crl.verify(issuerKey, Providers.bc());
            } else {
                crl.verify(issuerKey);
            }
            return true;
        });
    }

    /** A digest by name or OID. */
    static MessageDigest digest(String algorithm) throws NoSuchAlgorithmException {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            return MessageDigest.getInstance(algorithm, Providers.bc());
        }
    }
}
