package org.hsmkit.core.internal.pkcs11;

import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_DECRYPT;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_DERIVE;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_SIGN;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_VALUE;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKD_NULL;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKG_MGF1_SHA1;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKG_MGF1_SHA256;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKG_MGF1_SHA384;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKG_MGF1_SHA512;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKK_GENERIC_SECRET;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKM_ECDH1_DERIVE;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKM_ECDSA;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKM_RSA_PKCS;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKM_RSA_PKCS_OAEP;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKM_RSA_PKCS_PSS;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKM_RSA_X_509;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKM_SHA256;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKM_SHA384;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKM_SHA512;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKM_SHA_1;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKO_SECRET_KEY;

import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import org.bouncycastle.crypto.InvalidCipherTextException;
import org.hsmkit.core.DigestAlgorithm;
import org.hsmkit.core.ErrorKind;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.KeyType;
import org.hsmkit.core.RsaPadding;
import org.hsmkit.core.SignatureScheme;
import org.hsmkit.core.TokenKey;
import org.hsmkit.core.internal.KeyChecks;
import org.hsmkit.core.internal.soft.SignatureFormats;
import org.xipki.pkcs11.wrapper.AttributeVector;
import org.xipki.pkcs11.wrapper.Mechanism;
import org.xipki.pkcs11.wrapper.PKCS11Constants;
import org.xipki.pkcs11.wrapper.PKCS11Exception;
import org.xipki.pkcs11.wrapper.Session;
import org.xipki.pkcs11.wrapper.params.ECDH1_DERIVE_PARAMS;
import org.xipki.pkcs11.wrapper.params.RSA_PKCS_OAEP_PARAMS;
import org.xipki.pkcs11.wrapper.params.RSA_PKCS_PSS_PARAMS;

/**
 * A private key on a PKCS#11 token. Digests are computed on the host and each operation is one
 * call on the token: CKM_RSA_PKCS over a host-built DigestInfo, CKM_RSA_PKCS_PSS, CKM_ECDSA (the
 * raw r‖s turned into DER), CKM_RSA_PKCS / CKM_RSA_PKCS_OAEP / CKM_RSA_X_509 for decryption and
 * CKM_ECDH1_DERIVE for agreement. The mechanism is checked against the token's list first.
 *
 * <p>The key is found by CKA_ID (or by label, for keys without one) at each use, so it keeps
 * working after the module was initialised again.
 */
final class Pkcs11Key implements TokenKey {
    private final Pkcs11Token token;
    private final byte[] id;
    private final String label;
    private final KeyType type;
    private final PublicKey publicKey;
    private final List<X509Certificate> chain;
    private final boolean alwaysAuthenticate;
    /** OAEP hashes the token's CKM_RSA_PKCS_OAEP refused; those go through CKM_RSA_X_509. */
    private final Set<RsaPadding> oaepRefused = EnumSet.noneOf(RsaPadding.class);

    Pkcs11Key(Pkcs11Token token, byte[] id, String label, KeyType type, PublicKey publicKey, List<X509Certificate> chain,
            boolean alwaysAuthenticate) {
        this.token = token;
        this.alwaysAuthenticate = alwaysAuthenticate;
        this.id = id.clone();
        this.label = label;
        this.type = type;
        this.publicKey = publicKey;
        this.chain = List.copyOf(chain);
    }

    @Override
    public String label() {
        return label;
    }

    @Override
    public byte[] id() {
        return id.clone();
    }

    @Override
    public String reference() {
        return Pkcs11Uri.forKey(token.uri(), id, label);
    }

    @Override
    public KeyType type() {
        requirePublicKey();
        return type;
    }

    @Override
    public PublicKey publicKey() {
        requirePublicKey();
        return publicKey;
    }

    @Override
    public boolean publicKeyKnown() {
        return publicKey != null;
    }

    /** Refuses to go on with a key whose public key the token does not give. */
    private void requirePublicKey() {
        if (publicKey == null) {
            throw HsmkitException.key("the public key of the key " + name() + " (id " + java.util.HexFormat.of().formatHex(id)
                    + ") on " + token.name() + " is unknown: the token holds neither a public key object nor a certificate for it",
                    "import its certificate with 'hsmkit key import-cert', or remove it with 'hsmkit key delete'");
        }
    }

    @Override
    public List<X509Certificate> certificateChain() {
        return chain;
    }

    private String name() {
        return "'" + label + "'";
    }

    @Override
    public byte[] signDigest(SignatureScheme scheme, DigestAlgorithm digestAlgorithm, byte[] digest) {
        requirePublicKey();
        KeyChecks.signature(type, name(), scheme, digestAlgorithm, digest);
        Mechanism mech;
        byte[] input;
        switch (scheme) {
            case RSA_PKCS1 -> {
                token.requireMechanism(CKM_RSA_PKCS, "RSA PKCS#1 v1.5 signatures");
                mech = new Mechanism(CKM_RSA_PKCS);
                input = SignatureFormats.digestInfo(digestAlgorithm, digest);
            }
            case RSA_PSS -> {
                token.requireMechanism(CKM_RSA_PKCS_PSS, "RSA-PSS signatures");
                mech = new Mechanism(CKM_RSA_PKCS_PSS,
                        new RSA_PKCS_PSS_PARAMS(hashMechanism(digestAlgorithm), mgf(digestAlgorithm), digestAlgorithm.length()));
                input = digest;
            }
            case ECDSA -> {
                token.requireMechanism(CKM_ECDSA, "ECDSA signatures");
                mech = new Mechanism(CKM_ECDSA);
                input = SignatureFormats.truncateForOrder(digest, orderBits());
            }
            default -> throw new IllegalArgumentException(String.valueOf(scheme));
        }
        byte[] signature = use("signing with the key " + name(), CKA_SIGN,
                s -> sign(s, mech, input));
        return scheme == SignatureScheme.ECDSA ? SignatureFormats.ecdsaToDer(signature, (orderBits() + 7) / 8) : signature;
    }

    /** Order bit length of the curve; equal to the field size for every curve hsmkit supports. */
    private int orderBits() {
        return type.bits();
    }

    @Override
    public byte[] decrypt(RsaPadding padding, byte[] data) {
        requirePublicKey();
        if (!type.isRsa()) {
            throw HsmkitException.key("the " + type + " key " + name() + " cannot decrypt RSA data", "use an RSA key");
        }
        java.math.BigInteger modulus = ((java.security.interfaces.RSAPublicKey) publicKey).getModulus();
        int k = (type.bits() + 7) / 8;
        if (data.length == 0 || data.length > k || new java.math.BigInteger(1, data).compareTo(modulus) >= 0) {
            throw wrongData(padding);
        }
        // an encoder that dropped leading zero bytes: tokens want exactly the modulus length
        byte[] ciphertext = data;
        if (data.length < k) {
            ciphertext = new byte[k];
            System.arraycopy(data, 0, ciphertext, k - data.length, data.length);
        }
        byte[] block = ciphertext;
        if (padding == RsaPadding.PKCS1) {
            if (token.hasMechanism(CKM_RSA_PKCS)) {
                return tokenDecrypt(new Mechanism(CKM_RSA_PKCS), block, padding);
            }
            return hostUnpadded(padding, block, "CKM_RSA_PKCS");
        }
        boolean raw = token.hasMechanism(CKM_RSA_X_509);
        boolean tokenOaep;
        synchronized (oaepRefused) {
            tokenOaep = !oaepRefused.contains(padding);
        }
        if (tokenOaep && token.hasMechanism(CKM_RSA_PKCS_OAEP)) {
            // not under the lock: concurrent decryptions each use a session of their own
            DigestAlgorithm d = oaepDigest(padding);
            Mechanism oaep = new Mechanism(CKM_RSA_PKCS_OAEP, new RSA_PKCS_OAEP_PARAMS(
                    d == null ? CKM_SHA_1 : hashMechanism(d), d == null ? CKG_MGF1_SHA1 : mgf(d)));
            try {
                return use("decrypting with the key " + name(), CKA_DECRYPT, s -> decryptBlock(s, oaep, block));
            } catch (HsmkitException e) {
                long code = code(e);
                boolean refusedParams = code == PKCS11Constants.CKR_ARGUMENTS_BAD
                        || code == PKCS11Constants.CKR_MECHANISM_PARAM_INVALID
                        || code == PKCS11Constants.CKR_MECHANISM_INVALID
                        || code == PKCS11Constants.CKR_FUNCTION_NOT_SUPPORTED;
                if (refusedParams) {
                    synchronized (oaepRefused) {
                        oaepRefused.add(padding); // this token's OAEP does not take this hash: raw RSA from now on
                    }
                }
                if (!refusedParams || !raw) {
                    // a refusal of the data is final: trying the ciphertext again through raw RSA
                    // would cost a second private-key operation only for bad paddings, a timing
                    // difference that tells them apart (Manger's attack on OAEP)
                    throw isBadData(code) ? wrongData(padding) : e;
                }
                // the token's OAEP does not take these parameters: the host removes the padding
            }
        }
        return hostUnpadded(padding, block, "CKM_RSA_PKCS_OAEP with " + padding.oaepHashJcaName());
    }

    private byte[] tokenDecrypt(Mechanism mech, byte[] ciphertext, RsaPadding padding) {
        try {
            return use("decrypting with the key " + name(), CKA_DECRYPT, s -> decryptBlock(s, mech, ciphertext));
        } catch (HsmkitException e) {
            if (isBadData(code(e))) {
                throw wrongData(padding);
            }
            throw e;
        }
    }

    private byte[] hostUnpadded(RsaPadding padding, byte[] ciphertext, String missing) {
        if (!token.hasMechanism(CKM_RSA_X_509)) {
            throw HsmkitException.key(token.name() + " offers neither " + missing + " nor CKM_RSA_X_509, needed to decrypt "
                    + padding + " data", "use another padding (hsmkit encrypt --rsa-padding) or another token");
        }
        Mechanism raw = new Mechanism(CKM_RSA_X_509);
        try {
            return RawRsaDecryption.decrypt(padding, type.bits(), ciphertext,
                    block -> use("decrypting with the key " + name(), CKA_DECRYPT, s -> decryptBlock(s, raw, block)));
        } catch (InvalidCipherTextException | org.bouncycastle.crypto.DataLengthException e) {
            throw wrongData(padding);
        } catch (HsmkitException e) {
            if (isBadData(code(e))) {
                throw wrongData(padding);
            }
            throw e;
        }
    }

    /**
     * Return codes that mean the ciphertext does not decrypt with this key. SoftHSM2 reports a
     * padding failure as CKR_GENERAL_ERROR; the key and mechanism were checked before, so a
     * general error during decryption is taken to be about the data too.
     */
    private static boolean isBadData(long code) {
        return code == PKCS11Constants.CKR_ENCRYPTED_DATA_INVALID || code == PKCS11Constants.CKR_ENCRYPTED_DATA_LEN_RANGE
                || code == PKCS11Constants.CKR_DATA_INVALID || code == PKCS11Constants.CKR_DATA_LEN_RANGE
                || code == PKCS11Constants.CKR_GENERAL_ERROR;
    }

    /**
     * One error for every way a ciphertext can fail to decrypt, without the underlying cause: which
     * padding check failed (or which code the token returned) is what a padding oracle needs.
     */
    private HsmkitException wrongData(RsaPadding padding) {
        return new HsmkitException(ErrorKind.INPUT, "the wrapped key does not decrypt with " + name() + " (" + padding + ")",
                "the file may be for another key, or damaged");
    }

    /**
     * A private-key operation in a logged-in session. When the token refuses it and the key's
     * {@code usage} attribute is false, the error says so and what to do: SoftHSM2 answers
     * CKR_KEY_FUNCTION_NOT_PERMITTED, OpenSC's module (SmartCard-HSM) CKR_KEY_TYPE_INCONSISTENT,
     * and keys made by other tools often lack a usage (softhsm2-util imports EC keys without
     * CKA_DERIVE; pkcs11-tool sets only the usages it is given).
     */
    private <T> T use(String what, long usage, Pkcs11Token.SessionWork<T> work) {
        try {
            return token.call(what, true, work);
        } catch (HsmkitException e) {
            long code = code(e);
            if (code != PKCS11Constants.CKR_KEY_FUNCTION_NOT_PERMITTED && code != PKCS11Constants.CKR_KEY_TYPE_INCONSISTENT) {
                throw e;
            }
            Boolean allowed;
            try {
                allowed = token.call("reading the usage of the key " + name(), true,
                        s -> s.getAttrValues(handle(s), usage).getBooleanAttrValue(usage));
            } catch (HsmkitException unreadable) {
                allowed = null;
            }
            if (!Boolean.FALSE.equals(allowed)) {
                throw e;
            }
            throw HsmkitException.keyUnusable(what + " failed: " + token.name() + " does not permit this use of the key ("
                    + ((PKCS11Exception) e.getCause()).getErrorName() + ")", "the key's " + PKCS11Constants.ckaCodeToName(usage)
                    + " attribute is false, and most tokens do not let it change: use a key made by 'hsmkit key generate' or"
                    + " imported with 'hsmkit key import'", e.getCause());
        }
    }

    private static long code(HsmkitException e) {
        return e.getCause() instanceof PKCS11Exception p ? p.getErrorCode() : -1;
    }

    private static DigestAlgorithm oaepDigest(RsaPadding p) {
        return switch (p) {
            case OAEP_SHA256 -> DigestAlgorithm.SHA256;
            case OAEP_SHA384 -> DigestAlgorithm.SHA384;
            case OAEP_SHA512 -> DigestAlgorithm.SHA512;
            default -> null;
        };
    }

    @Override
    public byte[] agree(ECPublicKey peer) {
        requirePublicKey();
        byte[] point = KeyChecks.agreement(type, name(), peer);
        token.requireMechanism(CKM_ECDH1_DERIVE, "ECDH key agreement");
        int length = (type.bits() + 7) / 8;
        AttributeVector template = new AttributeVector().class_(CKO_SECRET_KEY).keyType(CKK_GENERIC_SECRET)
                .token(false).sensitive(false).extractable(true).valueLen(length);
        return use("ECDH with the key " + name(), CKA_DERIVE, s -> {
            try {
                return derive(s, point, template, length);
            } catch (PKCS11Exception e) {
                if (!looksDerWrapped(point)) {
                    throw e;
                }
                // The raw point 04||X||Y also parses as a DER OCTET STRING when X's first byte
                // equals the point's length minus two (one peer key in 256). SoftHSM2 2.6.1 then
                // fails (seen on brainpoolP512r1); OpenSC accepts only the raw point. So: raw
                // first, and the unambiguous DER form only after a failure.
                return derive(s, derOctetString(point), template, length);
            }
        });
    }

    private byte[] derive(Session s, byte[] publicData, AttributeVector template, int length) throws PKCS11Exception {
        Mechanism derive = new Mechanism(CKM_ECDH1_DERIVE, new ECDH1_DERIVE_PARAMS(CKD_NULL, null, publicData));
        long secret = s.deriveKey(derive, handle(s), template);
        try {
            byte[] value = s.getAttrValues(secret, CKA_VALUE).value();
            if (value == null || value.length != length) {
                throw HsmkitException.key(token.name() + " returned an ECDH secret of "
                        + (value == null ? 0 : value.length) + " bytes instead of " + length, null);
            }
            return value;
        } finally {
            s.destroyObject(secret);
        }
    }

    /** Whether a raw point reads as a complete short-form DER OCTET STRING (tag 04, length byte). */
    static boolean looksDerWrapped(byte[] point) {
        return point.length >= 2 && point.length - 2 < 0x80 && (point[1] & 0xff) == point.length - 2;
    }

    private static byte[] derOctetString(byte[] point) {
        try {
            return new org.bouncycastle.asn1.DEROctetString(point).getEncoded();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * One signature. A key marked CKA_ALWAYS_AUTHENTICATE gets the PIN between C_SignInit and
     * C_Sign; when that fails, C_Sign is still called so that the session's operation ends.
     */
    private byte[] sign(Session s, Mechanism mech, byte[] input) throws PKCS11Exception {
        long h = handle(s);
        if (!alwaysAuthenticate) {
            return s.signSingle(mech, h, input);
        }
        s.signInit(mech, h);
        try {
            token.loginForOneOperation(s, name());
        } catch (RuntimeException | PKCS11Exception e) {
            try {
                s.sign(input);
            } catch (PKCS11Exception ended) {
                // expected: not authenticated; the operation is over
            }
            throw e;
        }
        return s.sign(input);
    }

    /** One decryption, with the PIN between C_DecryptInit and C_Decrypt for CKA_ALWAYS_AUTHENTICATE keys. */
    private byte[] decryptBlock(Session s, Mechanism mech, byte[] input) throws PKCS11Exception {
        long h = handle(s);
        if (!alwaysAuthenticate) {
            return s.decryptSingle(mech, h, input);
        }
        s.decryptInit(mech, h);
        try {
            token.loginForOneOperation(s, name());
        } catch (RuntimeException | PKCS11Exception e) {
            try {
                s.decrypt(input);
            } catch (PKCS11Exception ended) {
                // expected: not authenticated; the operation is over
            }
            throw e;
        }
        return s.decrypt(input);
    }

    private long handle(Session s) throws PKCS11Exception {
        return token.privateKeyHandle(s, id, label);
    }

    private static long hashMechanism(DigestAlgorithm d) {
        return switch (d) {
            case SHA256 -> CKM_SHA256;
            case SHA384 -> CKM_SHA384;
            case SHA512 -> CKM_SHA512;
        };
    }

    private static long mgf(DigestAlgorithm d) {
        return switch (d) {
            case SHA256 -> CKG_MGF1_SHA256;
            case SHA384 -> CKG_MGF1_SHA384;
            case SHA512 -> CKG_MGF1_SHA512;
        };
    }

    @Override
    public String toString() {
        return "key '" + label + "' on " + token.name();
    }
}
