package org.hsmkit.core.internal.cms;

import java.io.IOException;
import java.util.Arrays;
import java.util.Map;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.cms.ecc.ECCCMSSharedInfo;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.oiw.OIWObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.RSAESOAEPparams;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.cms.CMSAlgorithm;
import org.bouncycastle.crypto.Digest;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.digests.SHA1Digest;
import org.bouncycastle.crypto.digests.SHA224Digest;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.digests.SHA384Digest;
import org.bouncycastle.crypto.digests.SHA512Digest;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.engines.RFC3394WrapEngine;
import org.bouncycastle.crypto.generators.KDF2BytesGenerator;
import org.bouncycastle.crypto.params.KDFParameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.util.Pack;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.RsaPadding;

/**
 * The host side of recovering a content key: which RSA padding a key-transport algorithm names,
 * and the KDF plus AES key unwrap of RFC 5753 key agreement.
 */
public final class KeyUnwrap {
    private KeyUnwrap() {
    }

    /** The hash name of each ECDH KDF scheme hsmkit reads (standard and cofactor DH). */
    private static final Map<ASN1ObjectIdentifier, String> KDF_HASH = Map.of(
            CMSAlgorithm.ECDH_SHA1KDF, "SHA-1",
            CMSAlgorithm.ECDH_SHA224KDF, "SHA-224",
            CMSAlgorithm.ECDH_SHA256KDF, "SHA-256",
            CMSAlgorithm.ECDH_SHA384KDF, "SHA-384",
            CMSAlgorithm.ECDH_SHA512KDF, "SHA-512",
            CMSAlgorithm.ECCDH_SHA1KDF, "SHA-1",
            CMSAlgorithm.ECCDH_SHA224KDF, "SHA-224",
            CMSAlgorithm.ECCDH_SHA256KDF, "SHA-256",
            CMSAlgorithm.ECCDH_SHA384KDF, "SHA-384",
            CMSAlgorithm.ECCDH_SHA512KDF, "SHA-512");

    private static final Map<ASN1ObjectIdentifier, Integer> WRAP_KEY_BYTES = Map.of(
            NISTObjectIdentifiers.id_aes128_wrap, 16,
            NISTObjectIdentifiers.id_aes192_wrap, 24,
            NISTObjectIdentifiers.id_aes256_wrap, 32,
            // RFC 3217: with 3DES content, for old mail only
            PKCSObjectIdentifiers.id_alg_CMS3DESwrap, 24);

    /** Names a key-encryption algorithm for inspect: padding or KDF and key wrap. */
    public static String describe(AlgorithmIdentifier keyEncryptionAlgorithm) {
        ASN1ObjectIdentifier oid = keyEncryptionAlgorithm.getAlgorithm();
        if (PKCSObjectIdentifiers.rsaEncryption.equals(oid) || PKCSObjectIdentifiers.id_RSAES_OAEP.equals(oid)) {
            try {
                RsaPadding p = rsaPadding(keyEncryptionAlgorithm);
                return p == RsaPadding.PKCS1 ? "RSA PKCS#1 v1.5" : "RSA OAEP " + p.oaepHashJcaName() + "/MGF1-" + p.oaepHashJcaName();
            } catch (HsmkitException e) {
                return "RSA OAEP with unsupported parameters";
            }
        }
        String hash = KDF_HASH.get(oid);
        if (hash != null) {
            AlgorithmIdentifier wrap = AlgorithmIdentifier.getInstance(keyEncryptionAlgorithm.getParameters());
            Integer bytes = WRAP_KEY_BYTES.get(wrap.getAlgorithm());
            return "ECDH " + (oid.getId().startsWith("1.3.132.1.14") || oid.equals(CMSAlgorithm.ECCDH_SHA1KDF) ? "cofactor " : "")
                    + "X9.63 KDF " + hash + ", " + (bytes == null ? wrap.getAlgorithm().getId()
                            : isTripleDesWrap(wrap) ? "3DES key wrap" : "AES-" + bytes * 8 + " key wrap");
        }
        return oid.getId();
    }

    /**
     * The padding a key-transport algorithm identifier names.
     *
     * @throws HsmkitException INPUT for other algorithms or OAEP with a mask hash unlike its hash
     */
    public static RsaPadding rsaPadding(AlgorithmIdentifier alg) {
        ASN1ObjectIdentifier oid = alg.getAlgorithm();
        if (PKCSObjectIdentifiers.rsaEncryption.equals(oid)) {
            return RsaPadding.PKCS1;
        }
        if (!PKCSObjectIdentifiers.id_RSAES_OAEP.equals(oid)) {
            throw HsmkitException.input("unsupported key transport algorithm " + oid.getId(), "hsmkit reads RSA PKCS#1 v1.5 and RSA-OAEP");
        }
        RSAESOAEPparams p = alg.getParameters() == null || alg.getParameters() instanceof DERNull
                ? new RSAESOAEPparams() : RSAESOAEPparams.getInstance(alg.getParameters());
        ASN1ObjectIdentifier hash = p.getHashAlgorithm().getAlgorithm();
        AlgorithmIdentifier mgf = p.getMaskGenAlgorithm();
        ASN1ObjectIdentifier mgfHash = PKCSObjectIdentifiers.id_mgf1.equals(mgf.getAlgorithm())
                ? AlgorithmIdentifier.getInstance(mgf.getParameters()).getAlgorithm() : null;
        boolean emptyLabel = PKCSObjectIdentifiers.id_pSpecified.equals(p.getPSourceAlgorithm().getAlgorithm())
                && org.bouncycastle.asn1.ASN1OctetString.getInstance(p.getPSourceAlgorithm().getParameters()).getOctets().length == 0;
        if (!hash.equals(mgfHash) || !emptyLabel) {
            throw HsmkitException.input("RSA-OAEP with a mask hash unlike its hash, or with a label, is not supported",
                    "ask the sender to use OAEP with matching hashes (the default of openssl and hsmkit)");
        }
        if (OIWObjectIdentifiers.idSHA1.equals(hash)) {
            return RsaPadding.OAEP_SHA1;
        }
        if (NISTObjectIdentifiers.id_sha256.equals(hash)) {
            return RsaPadding.OAEP_SHA256;
        }
        if (NISTObjectIdentifiers.id_sha384.equals(hash)) {
            return RsaPadding.OAEP_SHA384;
        }
        if (NISTObjectIdentifiers.id_sha512.equals(hash)) {
            return RsaPadding.OAEP_SHA512;
        }
        throw HsmkitException.input("RSA-OAEP with hash " + hash.getId() + " is not supported", "use SHA-1, SHA-256, SHA-384 or SHA-512");
    }

    /** What a key-agreement algorithm identifier asks for. */
    public static Agreement agreement(AlgorithmIdentifier keyEncryptionAlgorithm) {
        String hash = KDF_HASH.get(keyEncryptionAlgorithm.getAlgorithm());
        if (hash == null) {
            throw HsmkitException.input("unsupported key agreement algorithm " + keyEncryptionAlgorithm.getAlgorithm().getId(),
                    "hsmkit reads ephemeral-static ECDH with the X9.63 KDF (RFC 5753)");
        }
        AlgorithmIdentifier wrap = AlgorithmIdentifier.getInstance(keyEncryptionAlgorithm.getParameters());
        Integer bytes = WRAP_KEY_BYTES.get(wrap.getAlgorithm());
        if (bytes == null) {
            throw HsmkitException.input("unsupported key wrap algorithm " + wrap.getAlgorithm().getId(),
                    "hsmkit reads AES key wrap (and 3DES key wrap in old mail)");
        }
        return new Agreement(hash, wrap, bytes);
    }

    /** A KDF hash, a key wrap algorithm (as the file writes it) and its key length. */
    public record Agreement(String hash, AlgorithmIdentifier wrap, int keyBytes) {

        /** Derives the key-encryption key from the shared secret and unwraps the content key. */
        public byte[] unwrap(byte[] sharedSecret, byte[] userKeyingMaterial, byte[] wrappedKey) {
            byte[] kek = new byte[keyBytes];
            try {
                // RFC 5753 section 7.2: keyInfo is the wrap algorithm, suppPubInfo the KEK length in bits
                byte[] sharedInfo = new ECCCMSSharedInfo(wrap, userKeyingMaterial, Pack.intToBigEndian(keyBytes * 8)).getEncoded("DER");
                KDF2BytesGenerator kdf = new KDF2BytesGenerator(digest());
                kdf.init(new KDFParameters(sharedSecret, sharedInfo));
                kdf.generateBytes(kek, 0, kek.length);
                return isTripleDesWrap(wrap) ? unwrapWithTripleDesKek(kek, wrappedKey) : unwrapWithKek(kek, wrappedKey);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            } finally {
                Arrays.fill(kek, (byte) 0);
            }
        }

        private Digest digest() {
            switch (hash) {
                case "SHA-1":
                    return new SHA1Digest();
                case "SHA-224":
                    return new SHA224Digest();
                case "SHA-256":
                    return new SHA256Digest();
                case "SHA-384":
                    return new SHA384Digest();
                default:
                    return new SHA512Digest();
            }
        }
    }

    /**
     * AES key unwrap (RFC 3394) of {@code wrappedKey} under {@code kek}.
     *
     * @throws HsmkitException VERIFICATION_FAILED, one and the same, for any wrapped key that does
     *         not unwrap (integrity check, length)
     */
    public static byte[] unwrapWithKek(byte[] kek, byte[] wrappedKey) {
        try {
            RFC3394WrapEngine engine = new RFC3394WrapEngine(AESEngine.newInstance());
            engine.init(false, new KeyParameter(kek));
            return engine.unwrap(wrappedKey, 0, wrappedKey.length);
        } catch (InvalidCipherTextException | IllegalArgumentException e) {
            throw HsmkitException.verification("the wrapped content key does not unwrap with this key",
                    "the file is damaged, or was made for another key");
        }
    }

    private static boolean isTripleDesWrap(AlgorithmIdentifier wrap) {
        return PKCSObjectIdentifiers.id_alg_CMS3DESwrap.equals(wrap.getAlgorithm());
    }

    /** The 3DES key wrap of RFC 3217 (old mail), failing exactly as {@link #unwrapWithKek} does. */
    static byte[] unwrapWithTripleDesKek(byte[] kek, byte[] wrappedKey) {
        try {
            org.bouncycastle.crypto.engines.DESedeWrapEngine engine = new org.bouncycastle.crypto.engines.DESedeWrapEngine();
            engine.init(false, new KeyParameter(kek));
            return engine.unwrap(wrappedKey, 0, wrappedKey.length);
        } catch (InvalidCipherTextException | IllegalArgumentException e) {
            throw HsmkitException.verification("the wrapped content key does not unwrap with this key",
                    "the file is damaged, or was made for another key");
        }
    }

    static boolean isEcKey(ASN1ObjectIdentifier oid) {
        return X9ObjectIdentifiers.id_ecPublicKey.equals(oid);
    }
}
