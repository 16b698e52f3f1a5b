package org.hsmkit.core.internal.soft;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.jce.interfaces.ECPrivateKey;
import org.bouncycastle.jce.spec.ECPublicKeySpec;
import org.bouncycastle.math.ec.ECPoint;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.internal.Providers;

/** Conversions of private keys from any provider, and the public key that belongs to one. */
public final class PrivateKeys {
    private PrivateKeys() {
    }

    /** Re-reads a private key from its PKCS#8 encoding: RSA with the JDK, EC with Bouncy Castle. */
    public static PrivateKey toBc(PrivateKey key) {
        return fromPkcs8(key.getEncoded());
    }

    /** Reads a PKCS#8 PrivateKeyInfo: RSA with the JDK, EC with Bouncy Castle. */
    public static PrivateKey fromPkcs8(byte[] encoded) {
        try {
            PrivateKeyInfo info = PrivateKeyInfo.getInstance(encoded);
            String alg = info.getPrivateKeyAlgorithm().getAlgorithm().equals(
                    org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers.rsaEncryption) ? "RSA" : "EC";
            // RSA on the JDK; EC on Bouncy Castle, which knows every curve hsmkit supports
            KeyFactory f = alg.equals("RSA") ? KeyFactory.getInstance("RSA") : KeyFactory.getInstance("EC", Providers.bc());
            return f.generatePrivate(new PKCS8EncodedKeySpec(encoded));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw HsmkitException.input("the private key cannot be read: " + e.getMessage(),
                    "only RSA and EC private keys are supported", e);
        }
    }

    /**
     * The public key of a private key: from the RSA CRT parameters, or Q = d·G for EC.
     *
     * @throws HsmkitException INPUT for an RSA key without CRT parameters or another algorithm
     */
    public static PublicKey publicKeyOf(PrivateKey key) {
        PrivateKey bc = toBc(key);
        try {
            if (bc instanceof RSAPrivateCrtKey rsa) {
                return KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(rsa.getModulus(), rsa.getPublicExponent()));
            }
            if (bc instanceof ECPrivateKey ec) {
                ECPoint q = ec.getParameters().getG().multiply(ec.getD()).normalize();
                return KeyFactory.getInstance("EC", Providers.bc()).generatePublic(new ECPublicKeySpec(q, ec.getParameters()));
            }
        } catch (GeneralSecurityException e) {
            throw HsmkitException.input("cannot compute the public key: " + e.getMessage(), null, e);
        }
        throw HsmkitException.input("cannot compute the public key of this " + key.getAlgorithm() + " private key",
                "import the key together with its certificate");
    }
}
