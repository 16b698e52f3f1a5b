package org.hsmkit.core.internal.soft;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Map;

import javax.crypto.Cipher;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.EncryptionScheme;
import org.bouncycastle.asn1.pkcs.KeyDerivationFunc;
import org.bouncycastle.asn1.pkcs.PBES2Parameters;
import org.bouncycastle.asn1.pkcs.PBKDF2Params;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.operator.InputDecryptor;
import org.bouncycastle.operator.InputDecryptorProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.pkcs.jcajce.JcePKCSPBEInputDecryptorProviderBuilder;
import org.hsmkit.core.internal.Providers;

/**
 * Decrypts PKCS#12 key bags: PBES2 with PBKDF2 (HMAC-SHA-1 or SHA-2) and AES-CBC — what hsmkit
 * and current openssl write — with the JDK's PBKDF2 and AES, and every other scheme (the legacy
 * PKCS#12 PBEs of older tools) with Bouncy Castle. The JDK path spares the Bouncy Castle provider's
 * set-up (about 0.3 s) and runs PBKDF2 on the JDK's SHA-2 code.
 */
final class Pbes2Decryption implements InputDecryptorProvider {
    private static final Map<ASN1ObjectIdentifier, String> PRFS = Map.of(
            PKCSObjectIdentifiers.id_hmacWithSHA1, "PBKDF2WithHmacSHA1",
            PKCSObjectIdentifiers.id_hmacWithSHA224, "PBKDF2WithHmacSHA224",
            PKCSObjectIdentifiers.id_hmacWithSHA256, "PBKDF2WithHmacSHA256",
            PKCSObjectIdentifiers.id_hmacWithSHA384, "PBKDF2WithHmacSHA384",
            PKCSObjectIdentifiers.id_hmacWithSHA512, "PBKDF2WithHmacSHA512");
    private static final Map<ASN1ObjectIdentifier, Integer> AES_KEY_BYTES = Map.of(
            NISTObjectIdentifiers.id_aes128_CBC, 16,
            NISTObjectIdentifiers.id_aes192_CBC, 24,
            NISTObjectIdentifiers.id_aes256_CBC, 32);

    private final char[] passphrase;
    private final String name;
    private InputDecryptorProvider other;

    /**
     * Keeps {@code passphrase} itself, not a copy: the token clears it at close, and its keys with it.
     *
     * @param name the file, for messages
     */
    Pbes2Decryption(char[] passphrase, String name) {
        this.passphrase = passphrase;
        this.name = name;
    }

    @Override
    public InputDecryptor get(AlgorithmIdentifier algorithm) throws OperatorCreationException {
        Pkcs12Limits.checkEncryption(algorithm, name);
        if (!PKCSObjectIdentifiers.id_PBES2.equals(algorithm.getAlgorithm())) {
            return other().get(algorithm);
        }
        PBES2Parameters p = PBES2Parameters.getInstance(algorithm.getParameters());
        KeyDerivationFunc kdf = p.getKeyDerivationFunc();
        EncryptionScheme scheme = p.getEncryptionScheme();
        Integer keyBytes = AES_KEY_BYTES.get(scheme.getAlgorithm());
        if (!PKCSObjectIdentifiers.id_PBKDF2.equals(kdf.getAlgorithm()) || keyBytes == null) {
            return other().get(algorithm);
        }
        PBKDF2Params params = PBKDF2Params.getInstance(kdf.getParameters());
        String prf = PRFS.get(params.getPrf().getAlgorithm());
        if (prf == null || (params.getKeyLength() != null && params.getKeyLength().intValue() != keyBytes)) {
            return other().get(algorithm);
        }
        byte[] iv = ASN1OctetString.getInstance(scheme.getParameters()).getOctets();
        try {
            PBEKeySpec spec = new PBEKeySpec(passphrase, params.getSalt(), params.getIterationCount().intValueExact(), keyBytes * 8);
            byte[] key = SecretKeyFactory.getInstance(prf).generateSecret(spec).getEncoded();
            spec.clearPassword();
            Cipher cipher = Cipher.getInstance("AES/CBC/PKCS5Padding");
            cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new IvParameterSpec(iv));
            Arrays.fill(key, (byte) 0);
            return new InputDecryptor() {
                @Override
                public AlgorithmIdentifier getAlgorithmIdentifier() {
                    return algorithm;
                }

                @Override
                public InputStream getInputStream(InputStream encrypted) {
                    // a key bag is a few hundred bytes: decrypt it whole, so that a wrong padding is an error
                    try {
                        return new ByteArrayInputStream(cipher.doFinal(encrypted.readAllBytes()));
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    } catch (GeneralSecurityException e) {
                        return new InputStream() {
                            @Override
                            public int read() throws IOException {
                                throw new IOException("the key does not decrypt: " + e.getMessage(), e);
                            }
                        };
                    }
                }
            };
        } catch (GeneralSecurityException | ArithmeticException e) {
            throw new OperatorCreationException("cannot set up PBES2 decryption: " + e.getMessage(), e);
        }
    }

    private InputDecryptorProvider other() throws OperatorCreationException {
        if (other == null) {
            other = new JcePKCSPBEInputDecryptorProviderBuilder().setProvider(Providers.bc()).build(passphrase);
        }
        return other;
    }
}
