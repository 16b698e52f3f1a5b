package org.hsmkit.core.internal.card;

import java.math.BigInteger;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.Supplier;

import org.bouncycastle.crypto.DataLengthException;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.hsmkit.core.DigestAlgorithm;
import org.hsmkit.core.ErrorKind;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.KeyType;
import org.hsmkit.core.RsaPadding;
import org.hsmkit.core.SignatureScheme;
import org.hsmkit.core.TokenKey;
import org.hsmkit.core.internal.KeyChecks;
import org.hsmkit.core.internal.pkcs11.Pkcs11Uri;
import org.hsmkit.core.internal.pkcs11.RawRsaDecryption;
import org.hsmkit.core.internal.soft.SignatureFormats;

/**
 * A private key on a SmartCard-HSM, referred to by its key reference (file CCxx). Digests are
 * computed on the host: ECDSA signs the digest on the card; RSA signatures and decryptions use the
 * card's plain RSA function with the padding built or checked on the host (as OpenSC does), ECDH
 * sends the peer's point and keeps the x coordinate of the answer.
 */
final class CardKey implements TokenKey {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final CardToken token;
    private final int reference;
    private final String label;
    private final byte[] id;
    private final KeyType type;
    private final PublicKey publicKey;
    private final List<X509Certificate> chain;
    private final OptionalLong usesLeft;

    CardKey(CardToken token, int reference, String label, byte[] id, KeyType type, PublicKey publicKey,
            List<X509Certificate> chain, OptionalLong usesLeft) {
        this.token = token;
        this.reference = reference;
        this.label = label;
        this.id = id.clone();
        this.type = type;
        this.publicKey = publicKey;
        this.chain = List.copyOf(chain);
        this.usesLeft = usesLeft;
    }

    /** The device the key is on. */
    CardToken token() {
        return token;
    }

    /** The key reference: the low byte of the key's file CCxx. */
    int keyRef() {
        return reference;
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
        return Pkcs11Uri.forKey("pkcs11:", id, label);
    }

    @Override
    public KeyType type() {
        return type;
    }

    @Override
    public PublicKey publicKey() {
        if (publicKey == null) {
            throw HsmkitException.key("the public key of '" + label + "' on " + token.name() + " is unknown: the card keeps"
                    + " neither its certificate nor the request made at its generation", "import a certificate for the key");
        }
        return publicKey;
    }

    @Override
    public boolean publicKeyKnown() {
        return publicKey != null;
    }

    @Override
    public List<X509Certificate> certificateChain() {
        return chain;
    }

    @Override
    public OptionalLong usesLeft() {
        return usesLeft;
    }

    private String name() {
        return "'" + label + "'";
    }

    @Override
    public byte[] signDigest(SignatureScheme scheme, DigestAlgorithm digestAlgorithm, byte[] digest) {
        KeyChecks.signature(type, name(), scheme, digestAlgorithm, digest);
        return switch (scheme) {
            case ECDSA -> {
                byte[] input = SignatureFormats.truncateForOrder(digest, type.bits());
                byte[] der = operation("signing", () -> token.session().applet().sign(reference, ScHsmApplet.ALGO_EC_RAW, input));
                yield SignatureFormats.ecdsaToDer(der, (type.bits() + 7) / 8);
            }
            case RSA_PKCS1 -> {
                byte[] block = RsaSignatureEncoding.pkcs1Block(SignatureFormats.digestInfo(digestAlgorithm, digest), type.bits());
                yield operation("signing", () -> token.session().applet().sign(reference, ScHsmApplet.ALGO_RSA_RAW, block));
            }
            case RSA_PSS -> RsaSignatureEncoding.pss(digestAlgorithm, digest, modulus(), block -> operation("signing",
                    () -> token.session().applet().sign(reference, ScHsmApplet.ALGO_RSA_RAW, block)), RANDOM);
        };
    }

    @Override
    public byte[] decrypt(RsaPadding padding, byte[] ciphertext) {
        if (!type.isRsa()) {
            throw HsmkitException.key("the " + type + " key " + name() + " cannot decrypt RSA data", "use an RSA key");
        }
        if (ciphertext.length > (type.bits() + 7) / 8 || new BigInteger(1, ciphertext).compareTo(modulus()) >= 0) {
            throw wrongData(padding, null);
        }
        try {
            return RawRsaDecryption.decrypt(padding, type.bits(), ciphertext,
                    block -> operation("decrypting", () -> token.session().applet().decipher(reference, ScHsmApplet.ALGO_RSA_DECRYPT, block)));
        } catch (InvalidCipherTextException | DataLengthException e) {
            throw wrongData(padding, e);
        }
    }

    private HsmkitException wrongData(RsaPadding padding, Exception cause) {
        return new HsmkitException(ErrorKind.INPUT, "the wrapped key does not decrypt with " + name() + " (" + padding + ")",
                "the file may be for another key, or damaged", cause);
    }

    @Override
    public byte[] agree(ECPublicKey peer) {
        byte[] point = KeyChecks.agreement(type, name(), peer);
        byte[] answer = operation("ECDH", () -> token.session().applet().decipher(reference, ScHsmApplet.ALGO_EC_DH, point));
        int size = (type.bits() + 7) / 8;
        // the card answers with the shared point 04 ‖ X ‖ Y; the secret is X
        if (answer.length < 1 + size || answer[0] != 0x04) {
            throw HsmkitException.key(token.name() + " returned an ECDH result of " + answer.length + " bytes", null);
        }
        return Arrays.copyOfRange(answer, 1, 1 + size);
    }

    private BigInteger modulus() {
        return ((RSAPublicKey) publicKey()).getModulus();
    }

    /**
     * One private-key operation: logs in first (and again, through the session, when the card says
     * the login is gone). A key whose use counter is spent is a clear KEY error.
     */
    private byte[] operation(String what, Supplier<Apdu.Response> command) {
        return token.session().run(what + " with the key " + name(), () -> {
            token.session().login();
            Apdu.Response r = command.get();
            if (r.ok()) {
                return r.data();
            }
            // 6984 is what the SmartCard-HSM answers for a spent counter (CardContact's own PKCS#11
            // module reads it so; OpenSC has no case of its own and reports "referenced data not
            // usable"); 6A84 is what Pico HSM, a reimplementation of the applet, answers instead.
            if (r.sw() == 0x6984 || r.sw() == 0x6A84) {
                throw HsmkitException.key("the key " + name() + " on " + token.name() + " has no uses left: its use counter is spent",
                        "generate a new key (the card will not use this one again)");
            }
            if (r.sw() == 0x6A81 || r.sw() == 0x6985) {
                throw HsmkitException.key("the key " + name() + " on " + token.name() + " may not be used for " + what
                        + " (SW " + r.swHex() + ")", "use a key generated for this purpose");
            }
            if (r.sw() == 0x6A80 && what.equals("decrypting")) {
                throw HsmkitException.input("the wrapped key does not decrypt with " + name(), "the file may be for another key, or damaged");
            }
            throw ScHsmApplet.failure(r, what + " with the key " + name());
        });
    }

    @Override
    public String toString() {
        return "key '" + label + "' on " + token.name();
    }
}
