package org.hsmkit.core.openpgp;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Objects;

import org.bouncycastle.bcpg.AEADAlgorithmTags;
import org.bouncycastle.bcpg.ArmoredOutputStream;
import org.bouncycastle.bcpg.BCPGOutputStream;
import org.bouncycastle.bcpg.ContainedPacket;
import org.bouncycastle.bcpg.SymmetricKeyAlgorithmTags;
import org.bouncycastle.openpgp.PGPEncryptedDataGenerator;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPLiteralData;
import org.bouncycastle.openpgp.PGPLiteralDataGenerator;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.operator.jcajce.JcePGPDataEncryptorBuilder;
import org.bouncycastle.openpgp.operator.jcajce.JcePublicKeyKeyEncryptionMethodGenerator;
import org.hsmkit.core.ErrorKind;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.internal.Providers;
import org.hsmkit.core.internal.cms.WriteFailure;
import org.hsmkit.core.internal.io.WriteBehindStream;
import org.hsmkit.core.internal.openpgp.JdkThenBcProvider;
import org.hsmkit.core.internal.openpgp.OpenPgpKeys;
import org.hsmkit.core.internal.openpgp.RecipientKeys;
import org.hsmkit.core.internal.openpgp.Seipd1OutputStream;
import org.hsmkit.core.internal.openpgp.Seipd2OutputStream;

/**
 * Encrypts a stream to OpenPGP certificates, in constant memory: AES-256, always
 * integrity-protected, uncompressed. The format is SEIPD v2 (RFC 9580; AES-GCM, or AES-OCB when a
 * recipient does not list GCM) when every
 * recipient's certificate advertises it, else SEIPD v1 with MDC, which GnuPG 2.2 reads. Each
 * recipient gets the session key encrypted to its newest valid encryption key; certificates that
 * are revoked, expired or have no encryption key are refused when the encryptor is built. Uses no
 * private key, unless {@linkplain Builder#signedBy signed} (as gpg --sign --encrypt: one signature
 * made on the token per message, inside the encryption); reusable, with a fresh session key per
 * call.
 *
 * <pre>{@code
 * PgpEncryptor enc = PgpEncryptor.to(PgpCertificate.read(Path.of("bob.asc"))).armor(true).build();
 * try (AtomicOutput out = AtomicOutput.toFile(target, false, source)) {
 *     enc.encrypt(in, out.stream());
 *     out.commit();
 * }
 * }</pre>
 */
public final class PgpEncryptor {
    private static final int BUFFER = 1 << 16;
    /** RFC 9580 chunk size octet: chunks of 2^(12+6) = 256 KiB. */
    private static final int AEAD_CHUNK_OCTET = 12;

    private final List<PGPPublicKey> keys;
    private final List<String> recipientFingerprints;
    private final PacketFormat format;
    private final boolean armor;
    private final String fileName;
    private final boolean gcm;
    private final PgpSigner signer;
    private final boolean hidden;

    private PgpEncryptor(Builder b, List<PGPPublicKey> keys, List<String> fingerprints, PacketFormat format, boolean gcm) {
        this.gcm = gcm;
        this.hidden = b.hidden;
        this.signer = b.signer == null ? null : PgpSigner.with(b.signer).mode(SignatureMode.INLINE).fileName(b.fileName).build();
        this.keys = keys;
        this.recipientFingerprints = fingerprints;
        this.format = format;
        this.armor = b.armor;
        this.fileName = b.fileName;
    }

    public static Builder to(Collection<PgpCertificate> recipients) {
        return new Builder(List.copyOf(Objects.requireNonNull(recipients, "recipients")));
    }

    /** Options; defaults: binary output, no file name in the message, SEIPD as the recipients allow. */
    public static final class Builder {
        private final List<PgpCertificate> recipients;
        private boolean armor;
        private String fileName = "";
        private boolean v1Only;
        private PgpTokenKey signer;
        private boolean hidden;

        private Builder(List<PgpCertificate> recipients) {
            this.recipients = recipients;
        }

        /** ASCII armour ({@code -----BEGIN PGP MESSAGE-----}) instead of binary. */
        public Builder armor(boolean armor) {
            this.armor = armor;
            return this;
        }

        /** The file name stored in the literal data packet (informational; default none). */
        public Builder fileName(String name) {
            this.fileName = name == null ? "" : name;
            return this;
        }

        /** Writes SEIPD v1 even when every recipient reads v2 (for peers that read only v1). */
        public Builder seipdV1Only(boolean v1Only) {
            this.v1Only = v1Only;
            return this;
        }

        /**
         * Leaves the recipients' key ids out of the message (gpg --throw-keyids): an observer
         * cannot tell whom it is for; each recipient's software tries its keys in turn (hsmkit and
         * gpg do), one private-key operation per key tried.
         */
        public Builder hiddenRecipients(boolean hidden) {
            this.hidden = hidden;
            return this;
        }

        /**
         * Signs the content with {@code key} inside the encryption (a one-pass signature, as gpg
         * --sign --encrypt writes), so that recipients know who sent it; null for none.
         */
        public Builder signedBy(PgpTokenKey key) {
            this.signer = key;
            return this;
        }

        /**
         * Picks each recipient's encryption key.
         *
         * @throws HsmkitException USAGE without recipients; INPUT for a recipient that cannot be encrypted to
         */
        public PgpEncryptor build() {
            if (recipients.isEmpty()) {
                throw new HsmkitException(ErrorKind.USAGE, "no recipients", "name recipient certificates with -r");
            }
            Instant now = Instant.now();
            List<PGPPublicKey> keys = new ArrayList<>();
            List<String> fprs = new ArrayList<>();
            boolean allV2 = !v1Only;
            boolean allGcm = true;
            for (PgpCertificate c : recipients) {
                PGPPublicKey k = RecipientKeys.encryptionKey(c.checked(), now);
                keys.add(k);
                fprs.add(OpenPgpKeys.hex(k.getFingerprint()));
                allV2 &= RecipientKeys.advertisesSeipdV2(c.ring());
                allGcm &= RecipientKeys.prefersAes256Gcm(c.ring());
            }
            return new PgpEncryptor(this, List.copyOf(keys), List.copyOf(fprs), allV2 ? PacketFormat.SEIPD_V2 : PacketFormat.SEIPD_V1,
                    allGcm);
        }
    }

    /** The format {@link #encrypt} writes. */
    public PacketFormat format() {
        return format;
    }

    /** The cipher {@link #encrypt} uses: {@code AES-256} (CFB, for SEIPD v1), {@code AES-256-GCM} or {@code AES-256-OCB}. */
    public String cipher() {
        return format == PacketFormat.SEIPD_V1 ? "AES-256" : gcm ? "AES-256-GCM" : "AES-256-OCB";
    }

    /** The fingerprint of the key that signs each message, if it is {@linkplain Builder#signedBy signed}. */
    public java.util.Optional<String> signingKey() {
        return java.util.Optional.ofNullable(signer).map(PgpSigner::keyFingerprint);
    }

    /** The fingerprints of the keys the session key is encrypted to, one per recipient. */
    public List<String> recipientKeys() {
        return recipientFingerprints;
    }

    /**
     * Reads {@code in} to its end and writes the encrypted message to {@code out}, which is flushed
     * but not closed. Returns the number of plaintext bytes.
     */
    public long encrypt(InputStream in, OutputStream out) {
        WriteBehindStream behind = new WriteBehindStream(out);
        try {
            OutputStream target = WriteFailure.guardKeepingOpen(behind);
            ArmoredOutputStream armored = armor ? ArmoredOutputStream.builder().clearHeaders().build(target) : null;
            OutputStream packets = armored != null ? armored : target;
            long total;
            if (format == PacketFormat.SEIPD_V1 || gcm) {
                total = encryptWithOwnPacket(in, packets);
            } else {
                PGPEncryptedDataGenerator gen = new PGPEncryptedDataGenerator(dataEncryptor());
                for (PGPPublicKey k : keys) {
                    gen.addMethod(sessionKeyEncryption(k).setSecureRandom(new SecureRandom()));
                }
                try (OutputStream encrypted = gen.open(packets, new byte[BUFFER])) {
                    total = literal(in, encrypted);
                }
            }
            if (armored != null) {
                armored.close();
            }
            target.flush();
            return total;
        } catch (IOException e) {
            throw HsmkitException.io("cannot read the input: " + e.getMessage(), e);
        } catch (PGPException e) {
            throw new HsmkitException(ErrorKind.KEY, "cannot encrypt: " + e.getMessage(), null, e);
        } finally {
            behind.stop();
        }
    }

    /**
     * SEIPD v1, or v2 with AES-GCM, through hsmkit's own packet writers (v1's hashing on a second
     * thread, v2's GCM on the JDK); the session key packets come from Bouncy Castle.
     */
    private long encryptWithOwnPacket(InputStream in, OutputStream packets) throws IOException, PGPException {
        SecureRandom random = new SecureRandom();
        byte[] sessionKey = new byte[32];
        random.nextBytes(sessionKey);
        try {
            BCPGOutputStream header = new BCPGOutputStream(packets, org.bouncycastle.bcpg.PacketFormat.CURRENT);
            for (PGPPublicKey k : keys) {
                ContainedPacket p = sessionKeyEncryption(k).setSecureRandom(random)
                        .generate(dataEncryptor(), sessionKey);
                p.encode(header);
            }
            header.flush();
            if (format == PacketFormat.SEIPD_V2) {
                Seipd2OutputStream seipd = new Seipd2OutputStream(packets, sessionKey, random);
                long total = literal(in, seipd);
                seipd.close();
                return total;
            }
            Seipd1OutputStream seipd = new Seipd1OutputStream(packets, sessionKey, random);
            boolean written = false;
            try {
                long total = literal(in, seipd);
                seipd.close();
                written = true;
                return total;
            } finally {
                if (!written) {
                    seipd.abandon(); // or its hashing thread would wait for input forever
                }
            }
        } finally {
            Arrays.fill(sessionKey, (byte) 0);
        }
    }

    /**
     * Writes the literal data packet (streamed in partial lengths) into {@code encrypted}, between
     * a one-pass signature header and the signature when signed.
     */
    private long literal(InputStream in, OutputStream encrypted) throws IOException {
        if (signer != null) {
            return signer.signedPackets(in, encrypted);
        }
        long total = 0;
        PGPLiteralDataGenerator lit = new PGPLiteralDataGenerator();
        try (OutputStream plain = lit.open(encrypted, PGPLiteralData.BINARY, fileName, new Date(), new byte[BUFFER])) {
            byte[] buf = new byte[BUFFER];
            int n;
            while ((n = in.readNBytes(buf, 0, BUFFER)) > 0) {
                plain.write(buf, 0, n);
                total += n;
            }
        }
        return total;
    }

    /** RSA with the JDK's provider; ECDH (with its RFC 6637 KDF) with Bouncy Castle's. */
    private JcePublicKeyKeyEncryptionMethodGenerator sessionKeyEncryption(PGPPublicKey k) {
        JcePublicKeyKeyEncryptionMethodGenerator g = new JcePublicKeyKeyEncryptionMethodGenerator(k);
        if (hidden) {
            g.setUseWildcardRecipient(true);
        }
        return OpenPgpKeys.needsBc(k) ? g.setProvider(Providers.bc()) : g;
    }

    private JcePGPDataEncryptorBuilder dataEncryptor() {
        JcePGPDataEncryptorBuilder b = new JcePGPDataEncryptorBuilder(SymmetricKeyAlgorithmTags.AES_256).setSecureRandom(new SecureRandom());
        if (format == PacketFormat.SEIPD_V2) {
            if (gcm) {
                b.setWithAEAD(AEADAlgorithmTags.GCM, AEAD_CHUNK_OCTET).setUseV6AEAD();
                b.setProvider(JdkThenBcProvider.instance());
            } else {
                // OCB is Bouncy Castle's; the JDK has no OCB
                b.setWithAEAD(AEADAlgorithmTags.OCB, AEAD_CHUNK_OCTET).setUseV6AEAD();
                b.setProvider(Providers.bc());
            }
        } else {
            b.setWithIntegrityPacket(true);
            b.setProvider(Providers.jdkAesOrBc());
        }
        return b;
    }
}
