package org.hsmkit.core.internal.cms;

import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.PublicKey;
import java.security.spec.AlgorithmParameterSpec;
import java.security.spec.MGF1ParameterSpec;
import java.util.EnumMap;
import java.util.Map;

import javax.crypto.Cipher;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import javax.crypto.spec.SecretKeySpec;

import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.operator.AsymmetricKeyWrapper;
import org.bouncycastle.operator.GenericKey;
import org.bouncycastle.operator.OperatorException;
import org.hsmkit.core.RsaPadding;
import org.hsmkit.core.internal.Providers;

/**
 * Wraps a content-encryption key to an RSA public key (RSA-OAEP or PKCS#1 v1.5) with the JDK's
 * cipher, for Bouncy Castle's key-transport recipient generator. Bouncy Castle's own wrapper looks
 * the cipher up among the providers and rebuilds the OAEP parameters from their DER encoding at
 * every wrap (the JDK's parser throws and catches an exception on the MGF1 identifier each time):
 * two fifths of a warm batch of small files went to the wrap, half of it to that set-up. Here each
 * thread keeps one cipher per padding, and the parameters are made once.
 *
 * <p>Thread-safe: the ciphers are per thread. The public key and parameters are immutable.
 */
public final class RsaKeyTransport extends AsymmetricKeyWrapper {
    private static final ThreadLocal<Map<RsaPadding, Cipher>> CIPHERS = ThreadLocal.withInitial(() -> new EnumMap<>(RsaPadding.class));

    private final PublicKey publicKey;
    private final RsaPadding padding;
    private final AlgorithmParameterSpec parameters;

    /**
     * @param algorithm the key-encryption algorithm identifier written into the recipient info; it
     *                  must describe {@code padding}
     */
    public RsaKeyTransport(AlgorithmIdentifier algorithm, RsaPadding padding, PublicKey publicKey) {
        super(algorithm);
        this.publicKey = publicKey;
        this.padding = padding;
        this.parameters = parametersOf(padding);
    }

    @Override
    public byte[] generateWrappedKey(GenericKey contentKey) throws OperatorException {
        try {
            Cipher cipher = CIPHERS.get().get(padding);
            if (cipher == null) {
                cipher = Providers.jdkCipher(padding.isOaep() ? "RSA/ECB/OAEPPadding" : "RSA/ECB/PKCS1Padding");
                CIPHERS.get().put(padding, cipher);
            }
            cipher.init(Cipher.WRAP_MODE, publicKey, parameters);
            return cipher.wrap(jceKey(contentKey));
        } catch (GeneralSecurityException e) {
            throw new OperatorException("cannot wrap the content key: " + e.getMessage(), e);
        }
    }

    private static Key jceKey(GenericKey contentKey) {
        Object k = contentKey.getRepresentation();
        if (k instanceof Key key) {
            return key;
        }
        if (k instanceof byte[] raw) {
            return new SecretKeySpec(raw, "AES");
        }
        throw new IllegalArgumentException("unknown content key type " + k.getClass().getName());
    }

    private static AlgorithmParameterSpec parametersOf(RsaPadding padding) {
        if (!padding.isOaep()) {
            return null;
        }
        String hash = padding.oaepHashJcaName();
        return new OAEPParameterSpec(hash, "MGF1", new MGF1ParameterSpec(hash), PSource.PSpecified.DEFAULT);
    }
}
