package org.hsmkit.core.openpgp;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.Objects;

import org.bouncycastle.bcpg.ArmoredOutputStream;
import org.bouncycastle.bcpg.BCPGOutputStream;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPLiteralData;
import org.bouncycastle.openpgp.PGPLiteralDataGenerator;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureGenerator;
import org.bouncycastle.openpgp.PGPSignatureSubpacketGenerator;
import org.hsmkit.core.ErrorKind;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.internal.cms.WriteFailure;
import org.hsmkit.core.internal.openpgp.CleartextLines;
import org.hsmkit.core.internal.openpgp.OpenPgpKeys;
import org.hsmkit.core.internal.openpgp.TokenSignerBuilder;

/**
 * Signs data with a token key as OpenPGP: detached, inline or cleartext, in constant memory. The
 * data is hashed on the host (SHA-256, or SHA-384/512 for larger curves) and the token makes one
 * signature per call. Signatures carry the signing time and the issuer's fingerprint and key id,
 * as GnuPG expects. Immutable and reusable.
 */
public final class PgpSigner {
    private static final int BUFFER = 1 << 16;

    private final PgpTokenKey key;
    private final SignatureMode mode;
    private final boolean armor;
    private final String fileName;
    private final Instant time;

    private PgpSigner(Builder b) {
        this.key = b.key;
        this.mode = b.mode;
        this.armor = b.armor || b.mode == SignatureMode.CLEARTEXT;
        this.fileName = b.fileName;
        this.time = b.time;
    }

    public static Builder with(PgpTokenKey key) {
        return new Builder(Objects.requireNonNull(key, "key"));
    }

    /** Options; defaults: detached, binary. */
    public static final class Builder {
        private final PgpTokenKey key;
        private SignatureMode mode = SignatureMode.DETACHED;
        private boolean armor;
        private String fileName = "";
        private Instant time;

        private Builder(PgpTokenKey key) {
            this.key = key;
        }

        public Builder mode(SignatureMode mode) {
            this.mode = Objects.requireNonNull(mode);
            return this;
        }

        /** ASCII armour for detached and inline signatures (cleartext signatures are always armoured). */
        public Builder armor(boolean armor) {
            this.armor = armor;
            return this;
        }

        /** The file name an inline signature stores with the data (informational). */
        public Builder fileName(String name) {
            this.fileName = name == null ? "" : name;
            return this;
        }

        /** The signing time the signature states (default: the moment of signing). */
        public Builder signedAt(Instant time) {
            this.time = time;
            return this;
        }

        public PgpSigner build() {
            if (!key.key().type().isRsa() && !key.key().type().isEc()) {
                throw HsmkitException.key("the key '" + key.key().label() + "' cannot sign", "choose an RSA or EC key");
            }
            return new PgpSigner(this);
        }
    }

    /** The fingerprint of the signing key as signatures name it. */
    public String keyFingerprint() {
        return key.signingFingerprint();
    }

    /**
     * Reads {@code in} to its end and writes the signature (and for inline and cleartext
     * signatures, the data) to {@code out}, which is flushed but not closed. Returns the number
     * of bytes signed.
     */
    public long sign(InputStream in, OutputStream out) {
        PGPPublicKey pub = OpenPgpKeys.publicKey(key.key(), key.creationTime(), false);
        OutputStream target = WriteFailure.guardKeepingOpen(out);
        try {
            PGPSignatureGenerator g = generator(pub, mode == SignatureMode.CLEARTEXT ? PGPSignature.CANONICAL_TEXT_DOCUMENT
                    : PGPSignature.BINARY_DOCUMENT);
            long n;
            switch (mode) {
                case DETACHED:
                    n = hash(in, g, null);
                    writeSignature(g, target, armor);
                    break;
                case INLINE:
                    n = inline(in, g, target);
                    break;
                default:
                    n = cleartext(in, g, target, pub);
                    break;
            }
            target.flush();
            return n;
        } catch (IOException e) {
            throw HsmkitException.io("cannot read the input: " + e.getMessage(), e);
        } catch (PGPException e) {
            throw new HsmkitException(ErrorKind.KEY, "cannot sign: " + e.getMessage(), null, e);
        }
    }

    private PGPSignatureGenerator generator(PGPPublicKey pub, int type) throws PGPException {
        PGPSignatureGenerator g = new PGPSignatureGenerator(new TokenSignerBuilder(key.key(), pub.getAlgorithm()), pub);
        g.init(type, OpenPgpKeys.handle(pub));
        PGPSignatureSubpacketGenerator hashed = new PGPSignatureSubpacketGenerator();
        hashed.setSignatureCreationTime(false, Date.from(time != null ? time : Instant.now()));
        hashed.setIssuerFingerprint(false, pub);
        g.setHashedSubpackets(hashed.generate());
        PGPSignatureSubpacketGenerator unhashed = new PGPSignatureSubpacketGenerator();
        unhashed.setIssuerKeyID(false, pub.getKeyID());
        g.setUnhashedSubpackets(unhashed.generate());
        return g;
    }

    private static long hash(InputStream in, PGPSignatureGenerator g, OutputStream copy) throws IOException {
        byte[] buf = new byte[BUFFER];
        long total = 0;
        int n;
        while ((n = in.read(buf)) > 0) {
            g.update(buf, 0, n);
            if (copy != null) {
                copy.write(buf, 0, n);
            }
            total += n;
        }
        return total;
    }

    private static void writeSignature(PGPSignatureGenerator g, OutputStream out, boolean armored) throws IOException, PGPException {
        PGPSignature sig = g.generate();
        if (armored) {
            try (ArmoredOutputStream a = ArmoredOutputStream.builder().clearHeaders().build(WriteFailure.guardKeepingOpen(out))) {
                sig.encode(a);
            }
        } else {
            sig.encode(out);
        }
    }

    private long inline(InputStream in, PGPSignatureGenerator g, OutputStream target) throws IOException, PGPException {
        ArmoredOutputStream armored = armor ? ArmoredOutputStream.builder().clearHeaders().build(WriteFailure.guardKeepingOpen(target)) : null;
        long n = inlinePackets(in, g, armored != null ? armored : target);
        if (armored != null) {
            armored.close();
        }
        return n;
    }

    /**
     * The packets of an inline signature (one-pass header, literal data, signature) written into
     * {@code packets}, which is flushed but not closed: for {@link PgpEncryptor} inside an
     * encryption. Returns the number of bytes signed.
     */
    long signedPackets(InputStream in, OutputStream packets) {
        PGPPublicKey pub = OpenPgpKeys.publicKey(key.key(), key.creationTime(), false);
        try {
            return inlinePackets(in, generator(pub, PGPSignature.BINARY_DOCUMENT), packets);
        } catch (IOException e) {
            throw HsmkitException.io("cannot read the input: " + e.getMessage(), e);
        } catch (PGPException e) {
            throw new HsmkitException(ErrorKind.KEY, "cannot sign: " + e.getMessage(), null, e);
        }
    }

    private long inlinePackets(InputStream in, PGPSignatureGenerator g, OutputStream base) throws IOException, PGPException {
        BCPGOutputStream packets = new BCPGOutputStream(base);
        g.generateOnePassVersion(false).encode(packets);
        long n;
        PGPLiteralDataGenerator lit = new PGPLiteralDataGenerator();
        try (OutputStream literal = lit.open(WriteFailure.guardKeepingOpen(packets), PGPLiteralData.BINARY, fileName, new Date(), new byte[BUFFER])) {
            n = hash(in, g, literal);
        }
        g.generate().encode(packets);
        packets.flush();
        return n;
    }

    private long cleartext(InputStream in, PGPSignatureGenerator g, OutputStream target, PGPPublicKey pub) throws IOException, PGPException {
        String hashName = OpenPgpKeys.jcaHashName(OpenPgpKeys.hashTag(OpenPgpKeys.digestFor(key.key().type()))).replace("-", "");
        target.write(("-----BEGIN PGP SIGNED MESSAGE-----\nHash: " + hashName + "\n\n").getBytes(StandardCharsets.US_ASCII));
        OutputStream canonical = new OutputStream() {
            @Override
            public void write(int b) {
                g.update((byte) b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                g.update(b, off, len);
            }
        };
        CleartextLines lines = new CleartextLines(target, canonical);
        byte[] buf = new byte[BUFFER];
        long total = 0;
        int n;
        while ((n = in.read(buf)) > 0) {
            lines.write(buf, 0, n);
            total += n;
        }
        lines.finish();
        writeSignature(g, target, true);
        return total;
    }
}
