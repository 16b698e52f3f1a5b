package org.hsmkit.core.internal.soft;

import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.KeyType;

/** Finds the {@link KeyType} of a public key. */
public final class KeyTypes {
    private KeyTypes() {
    }

    public static KeyType of(PublicKey key) {
        if (key instanceof RSAPublicKey rsa) {
            int bits = rsa.getModulus().bitLength();
            for (KeyType t : KeyType.values()) {
                if (t.isRsa() && t.bits() == bits) {
                    return t;
                }
            }
            throw HsmkitException.input("RSA keys of " + bits + " bits are not supported", "use 2048, 3072 or 4096 bits");
        }
        if (key instanceof ECPublicKey) {
            SubjectPublicKeyInfo spki = SubjectPublicKeyInfo.getInstance(key.getEncoded());
            ASN1ObjectIdentifier curve = ASN1ObjectIdentifier.getInstance(spki.getAlgorithm().getParameters());
            String name = ECNamedCurveTable.getName(curve);
            for (KeyType t : KeyType.values()) {
                if (t.isEc() && curve.equals(ECNamedCurveTable.getOID(t.curveName().get()))) {
                    return t;
                }
            }
            throw HsmkitException.input("the curve " + (name == null ? curve.getId() : name) + " is not supported",
                    "use P-256, P-384, P-521 or a brainpool r1 curve");
        }
        throw HsmkitException.input("unsupported key algorithm " + key.getAlgorithm(), "use an RSA or EC key");
    }
}
