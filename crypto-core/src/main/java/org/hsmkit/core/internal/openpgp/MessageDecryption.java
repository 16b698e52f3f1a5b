package org.hsmkit.core.internal.openpgp;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.Provider;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Supplier;

import org.bouncycastle.bcpg.AEADEncDataPacket;
import org.bouncycastle.bcpg.InputStreamPacket;
import org.bouncycastle.bcpg.KeyIdentifier;
import org.bouncycastle.bcpg.SymmetricEncDataPacket;
import org.bouncycastle.bcpg.SymmetricEncIntegrityPacket;
import org.bouncycastle.bcpg.SymmetricKeyAlgorithmTags;
import org.bouncycastle.openpgp.PGPCompressedData;
import org.bouncycastle.openpgp.PGPEncryptedData;
import org.bouncycastle.openpgp.PGPEncryptedDataList;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPLiteralData;
import org.bouncycastle.openpgp.PGPMarker;
import org.bouncycastle.openpgp.PGPObjectFactory;
import org.bouncycastle.openpgp.PGPOnePassSignatureList;
import org.bouncycastle.openpgp.PGPPBEEncryptedData;
import org.bouncycastle.openpgp.PGPPadding;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyEncryptedData;
import org.bouncycastle.openpgp.PGPSessionKey;
import org.bouncycastle.openpgp.PGPSignatureList;
import org.bouncycastle.openpgp.operator.jcajce.JceSessionKeyDataDecryptorFactoryBuilder;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.internal.Providers;
import org.hsmkit.core.internal.cms.WriteFailure;
import org.hsmkit.core.internal.io.WriteBehindStream;
import org.hsmkit.core.openpgp.PacketFormat;
import org.hsmkit.core.openpgp.PgpTokenKey;

/**
 * One OpenPGP message being decrypted: the recipients read from its header, then the session key
 * recovered with one token operation, then the content streamed out and the integrity checked at
 * the end. The caller commits the output only when {@link #decrypt} returns.
 */
public final class MessageDecryption {
    private static final int BUFFER = 1 << 16;

    private final List<PGPPublicKeyEncryptedData> recipients;
    private final boolean passwordOnly;

    private MessageDecryption(List<PGPPublicKeyEncryptedData> recipients, boolean passwordOnly) {
        this.recipients = recipients;
        this.passwordOnly = passwordOnly;
    }

    /** What came out. */
    public record Result(PacketFormat format, String cipher, PgpTokenKey key, String recipientKey, String fileName,
            boolean compressed, List<String> signerKeyIds, long plaintextBytes) {
    }

    /** Reads the header: the session key packets up to the encrypted data. */
    public static MessageDecryption open(InputStream in) {
        PGPObjectFactory f = PgpPackets.objects(PgpPackets.decoded(in));
        Object o;
        do {
            o = PgpPackets.next(f);
        } while (o instanceof PGPMarker || o instanceof PGPPadding);
        if (!(o instanceof PGPEncryptedDataList)) {
            throw HsmkitException.input(o == null ? "the input holds no OpenPGP data" : "this is not an encrypted OpenPGP message but "
                    + PgpPackets.describe(o), "give a file made by gpg --encrypt or hsmkit pgp encrypt");
        }
        PGPEncryptedDataList list = (PGPEncryptedDataList) o;
        List<PGPPublicKeyEncryptedData> pk = new ArrayList<>();
        boolean pbe = false;
        for (PGPEncryptedData e : list) {
            if (e instanceof PGPPublicKeyEncryptedData) {
                pk.add((PGPPublicKeyEncryptedData) e);
            } else if (e instanceof PGPPBEEncryptedData) {
                pbe = true;
            }
        }
        if (list.isEmpty()) {
            throw HsmkitException.input("the message has no encrypted data", "the file is damaged");
        }
        InputStreamPacket data = list.getEncryptedData();
        if (!(data instanceof SymmetricEncIntegrityPacket || data instanceof AEADEncDataPacket || data instanceof SymmetricEncDataPacket)) {
            // Bouncy Castle takes any data-carrying packet after the session keys as the encrypted data
            throw HsmkitException.input("the message's session keys are followed by no encrypted data but a packet of tag "
                    + data.getPacketTag(), "the file is damaged or is not an OpenPGP encrypted message");
        }
        PGPEncryptedData first = list.get(0);
        if (!first.isIntegrityProtected() && !first.isAEAD()) {
            throw HsmkitException.verification("the message is not integrity-protected (a Symmetrically Encrypted Data packet "
                    + "without MDC): hsmkit does not decrypt it", "it may be a downgraded copy of a protected message; ask the sender "
                    + "to encrypt again with a current OpenPGP tool");
        }
        return new MessageDecryption(pk, pbe && pk.isEmpty());
    }

    /** The recipients' key ids as the message names them (0000000000000000 for anonymous ones). */
    public List<String> recipientKeyIds() {
        return recipients.stream().map(MessageDecryption::describe).toList();
    }

    /**
     * Recovers the session key with one of {@code keys} and decrypts into {@code out}, telling
     * {@code signatures} (may be null) the signed content as it is read.
     */
    public Result decrypt(Supplier<? extends Collection<PgpTokenKey>> keys, OutputStream out, InlineSignatureHooks signatures) {
        if (recipients.isEmpty()) {
            throw HsmkitException.key("the message has no public-key recipients" + (passwordOnly ? " (it is encrypted with a password)" : ""),
                    passwordOnly ? "decrypt it with gpg; hsmkit decrypts with token keys only" : "the file is damaged");
        }
        Collection<PgpTokenKey> candidates = keys.get();
        for (PGPPublicKeyEncryptedData r : recipients) {
            KeyIdentifier id = r.getKeyIdentifier();
            for (PgpTokenKey k : candidates) {
                for (boolean encryption : new boolean[] {true, false}) {
                    PGPPublicKey pub = OpenPgpKeys.publicKey(k.key(), k.creationTime(), encryption);
                    if (pub.getAlgorithm() != r.getAlgorithm()) {
                        continue;
                    }
                    if (!id.isWildcard() && id.matches(pub.getKeyIdentifier())) {
                        return content(r, k, pub, sessionKey(r, k, pub), out, signatures);
                    }
                }
            }
        }
        // anonymous recipients (gpg --throw-keyids): try each key of the right algorithm, one token operation each
        for (PGPPublicKeyEncryptedData r : recipients) {
            if (!r.getKeyIdentifier().isWildcard()) {
                continue;
            }
            for (PgpTokenKey k : candidates) {
                PGPPublicKey pub = OpenPgpKeys.publicKey(k.key(), k.creationTime(), true);
                if (pub.getAlgorithm() == r.getAlgorithm()) {
                    PGPSessionKey sk;
                    try {
                        sk = sessionKey(r, k, pub);
                    } catch (HsmkitException e) {
                        if (e.kind() != org.hsmkit.core.ErrorKind.VERIFICATION_FAILED) {
                            throw e;
                        }
                        continue;
                    }
                    return content(r, k, pub, sk, out, signatures);
                }
            }
        }
        String known = candidates.isEmpty() ? "no token key has an OpenPGP creation time stored"
                : "available: " + String.join(", ", candidates.stream().map(k -> k.key().label() + " "
                        + OpenPgpKeys.keyId(OpenPgpKeys.publicKey(k.key(), k.creationTime(), true).getKeyID())).toList());
        throw HsmkitException.key("no available key is a recipient of this message; its recipients are: "
                + String.join(", ", recipientKeyIds()) + " (" + known + ")",
                "use the token (or --key) that holds one of these keys; for a key without a stored creation time pass --certificate FILE");
    }

    private static String describe(PGPPublicKeyEncryptedData r) {
        KeyIdentifier id = r.getKeyIdentifier();
        if (id.isWildcard()) {
            return "anonymous";
        }
        return id.getFingerprint() != null ? OpenPgpKeys.hex(id.getFingerprint()) : OpenPgpKeys.keyId(id.getKeyId());
    }

    private static PGPSessionKey sessionKey(PGPPublicKeyEncryptedData r, PgpTokenKey k, PGPPublicKey pub) {
        try {
            return r.getSessionKey(new TokenSessionKeyRecovery(k.key(), pub));
        } catch (PGPException e) {
            throw HsmkitException.verification("the session key does not decrypt with the key '" + k.key().label() + "': "
                    + e.getMessage(), "the message was altered, or was encrypted to another key");
        } catch (RuntimeException e) {
            if (e instanceof HsmkitException) {
                throw e;
            }
            throw HsmkitException.verification("the session key does not decrypt with the key '" + k.key().label() + "'",
                    "the message was altered, or was encrypted to another key");
        }
    }

    private static Result content(PGPPublicKeyEncryptedData r, PgpTokenKey k, PGPPublicKey pub, PGPSessionKey sessionKey, OutputStream out,
            InlineSignatureHooks signatures) {
        boolean aead = r.isAEAD();
        PacketFormat format = aead ? PacketFormat.SEIPD_V2 : PacketFormat.SEIPD_V1;
        AuthenticatedPlaintext own = null;
        InputStream data;
        try {
            SymmetricEncIntegrityPacket seipd = r.getEncData() instanceof SymmetricEncIntegrityPacket p ? p : null;
            if (!aead && isAes(sessionKey.getAlgorithm()) && seipd != null && seipd.getVersion() == SymmetricEncIntegrityPacket.VERSION_1) {
                CfbMdcInputStream cfb = new CfbMdcInputStream(r.getInputStream(), sessionKey.getKey());
                own = cfb;
                data = cfb;
            } else if (aead && seipd != null && Seipd2GcmInputStream.reads(seipd)) {
                Seipd2GcmInputStream gcm = new Seipd2GcmInputStream(r.getInputStream(), sessionKey.getKey(), seipd);
                own = gcm;
                data = gcm;
            } else {
                // the JDK for CFB and GCM (CPU instructions), Bouncy Castle for OCB and EAX
                boolean gcm = r.getEncData() instanceof SymmetricEncIntegrityPacket
                        && ((SymmetricEncIntegrityPacket) r.getEncData()).getAeadAlgorithm() == org.bouncycastle.bcpg.AEADAlgorithmTags.GCM;
                Provider provider = !aead ? Providers.jdkAesOrBc() : gcm ? JdkThenBcProvider.instance() : Providers.bc();
                data = r.getDataStream(new JceSessionKeyDataDecryptorFactoryBuilder().setProvider(provider).build(sessionKey));
            }
        } catch (PGPException | RuntimeException e) {
            if (aead) {
                // Bouncy Castle reads and authenticates the first chunk here: a message shorter than a chunk fails now
                throw altered();
            }
            throw HsmkitException.input("cannot start decrypting: " + e.getMessage(), "the message is damaged or uses an unsupported cipher");
        }
        Content content = new Content(signatures);
        // the writing runs on a second thread, overlapping the decryption
        WriteBehindStream behind = new WriteBehindStream(out);
        OutputStream sink = WriteFailure.guard(behind);
        try {
            content.read(PgpPackets.objects(data), sink);
            sink.flush();
            drain(data);
        } catch (HsmkitException e) {
            throw afterIntegrityCheck(r, own, data, e);
        } catch (IOException | RuntimeException e) {
            throw afterIntegrityCheck(r, own, data, PgpPackets.damaged("cannot read the decrypted content", e));
        } finally {
            behind.stop();
            if (own != null) {
                own.close();
            }
        }
        if (own != null ? !own.verified() : !bcVerified(r)) {
            throw altered();
        }
        if (content.fileName == null) {
            throw HsmkitException.input("the message holds no literal data", "the file is damaged");
        }
        return new Result(format, cipherName(sessionKey.getAlgorithm()) + (aead ? "-" + aeadName(r.getEncData()) : ""), k, OpenPgpKeys.hex(pub.getFingerprint()),
                content.fileName, content.compressed, List.copyOf(content.signers), content.bytes);
    }

    private static boolean isAes(int alg) {
        return alg == SymmetricKeyAlgorithmTags.AES_128 || alg == SymmetricKeyAlgorithmTags.AES_192 || alg == SymmetricKeyAlgorithmTags.AES_256;
    }

    /**
     * A failure while reading the content of a modified message usually shows as garbage packets
     * before the integrity check is reached: if the check fails, that is the error to report.
     */
    private static HsmkitException afterIntegrityCheck(PGPPublicKeyEncryptedData r, AuthenticatedPlaintext own, InputStream data,
            HsmkitException e) {
        if (e.kind() == org.hsmkit.core.ErrorKind.IO) {
            return e;
        }
        try {
            drain(data);
            if (own != null ? !own.verified() : !bcVerified(r)) {
                return altered();
            }
        } catch (IOException | RuntimeException ignored) {
            return altered(); // the integrity check itself could not complete: the ciphertext is not what was sent
        }
        return e;
    }

    /** Bouncy Castle's check: the MDC of SEIPD v1 (AEAD tags were checked while reading). */
    private static boolean bcVerified(PGPPublicKeyEncryptedData r) {
        try {
            return r.isAEAD() || r.verify();
        } catch (PGPException | IOException | RuntimeException e) {
            return false;
        }
    }

    private static HsmkitException altered() {
        return HsmkitException.verification("the message's integrity check failed: it was altered or damaged",
                "nothing was written; get an intact copy of the message");
    }

    private static void drain(InputStream in) throws IOException {
        byte[] b = new byte[BUFFER];
        while (in.read(b) >= 0) {
            // reading to the end makes the decryptor check the MDC or the final AEAD tag
        }
    }

    private static String aeadName(InputStreamPacket data) {
        int alg = data instanceof SymmetricEncIntegrityPacket p ? p.getAeadAlgorithm()
                : data instanceof AEADEncDataPacket p ? p.getAEADAlgorithm() : -1;
        switch (alg) {
            case org.bouncycastle.bcpg.AEADAlgorithmTags.GCM:
                return "GCM";
            case org.bouncycastle.bcpg.AEADAlgorithmTags.OCB:
                return "OCB";
            case org.bouncycastle.bcpg.AEADAlgorithmTags.EAX:
                return "EAX";
            default:
                return "AEAD";
        }
    }

    static String cipherName(int alg) {
        switch (alg) {
            case SymmetricKeyAlgorithmTags.AES_128:
                return "AES-128";
            case SymmetricKeyAlgorithmTags.AES_192:
                return "AES-192";
            case SymmetricKeyAlgorithmTags.AES_256:
                return "AES-256";
            default:
                return "algorithm " + alg;
        }
    }

    /** The packets inside the encryption: literal data, perhaps compressed, perhaps signed. */
    private static final class Content {
        final InlineSignatureHooks hooks;
        String fileName;
        boolean compressed;
        final List<String> signers = new ArrayList<>();
        long bytes;

        Content(InlineSignatureHooks hooks) {
            this.hooks = hooks;
        }

        void read(PGPObjectFactory f, OutputStream out) throws IOException {
            Object o;
            while ((o = PgpPackets.next(f)) != null) {
                if (o instanceof PGPCompressedData) {
                    if (compressed) {
                        throw HsmkitException.input("the message is compressed twice", "hsmkit reads one compression layer");
                    }
                    compressed = true;
                    try {
                        read(PgpPackets.objects(((PGPCompressedData) o).getDataStream()), out);
                    } catch (PGPException e) {
                        throw HsmkitException.input("cannot decompress: " + e.getMessage(), "the message is damaged", e);
                    }
                } else if (o instanceof PGPLiteralData) {
                    if (fileName != null) {
                        throw HsmkitException.input("the message holds more than one literal data packet", "the message is malformed");
                    }
                    PGPLiteralData lit = (PGPLiteralData) o;
                    fileName = PgpPackets.fileName(lit);
                    if (hooks != null) {
                        hooks.literal();
                    }
                    InputStream content = lit.getDataStream();
                    // inside the encryption the packet's format is authenticated: text is written with this system's line ends
                    TextLineEnds text = TextLineEnds.appliesTo(lit) ? new TextLineEnds(out) : null;
                    byte[] buf = new byte[BUFFER];
                    int n;
                    while ((n = content.read(buf)) > 0) {
                        if (hooks != null) {
                            hooks.data(buf, 0, n);
                        }
                        if (text != null) {
                            text.write(buf, 0, n);
                        } else {
                            out.write(buf, 0, n);
                            bytes += n;
                        }
                    }
                    if (text != null) {
                        text.finish();
                        bytes = text.written();
                    }
                } else if (o instanceof PGPOnePassSignatureList) {
                    ((PGPOnePassSignatureList) o).forEach(s -> signers.add(OpenPgpKeys.keyId(s.getKeyID())));
                    if (hooks != null) {
                        hooks.onePass((PGPOnePassSignatureList) o);
                    }
                } else if (o instanceof PGPSignatureList) {
                    if (signers.isEmpty()) {
                        ((PGPSignatureList) o).forEach(s -> signers.add(OpenPgpKeys.keyId(s.getKeyID())));
                    }
                    if (hooks != null) {
                        hooks.signatures((PGPSignatureList) o, fileName != null);
                    }
                } else if (!(o instanceof PGPMarker) && !(o instanceof PGPPadding)) {
                    throw HsmkitException.input("unexpected " + PgpPackets.describe(o) + " inside the message", "the message is malformed");
                }
            }
        }
    }
}
