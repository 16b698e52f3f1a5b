package org.hsmkit.core.openpgp;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

import org.bouncycastle.bcpg.ArmoredInputStream;
import org.bouncycastle.openpgp.PGPCompressedData;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPLiteralData;
import org.bouncycastle.openpgp.PGPMarker;
import org.bouncycastle.openpgp.PGPObjectFactory;
import org.bouncycastle.openpgp.PGPOnePassSignatureList;
import org.bouncycastle.openpgp.PGPPadding;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureList;
import org.hsmkit.core.ErrorKind;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.WorkFiles;
import org.hsmkit.core.internal.openpgp.CleartextLines;
import org.hsmkit.core.internal.openpgp.PgpPackets;
import org.hsmkit.core.internal.openpgp.TextLineEnds;

/**
 * Verifies OpenPGP signatures (detached, inline, cleartext; binary or armoured) against a keyring
 * of certificates the caller trusts. Every signature in the input must verify, and its key must
 * have been valid when it signed: bound to its certificate (a signing subkey with a valid binding
 * and back-signature), flagged for signing, not expired and not revoked; by default the key must
 * not have expired since either. Data is hashed as a stream in constant memory.
 */
public final class PgpVerifier {
    private static final int BUFFER = 1 << 16;

    private final List<PgpCertificate> keyring;
    private final boolean acceptExpiredSince;

    private PgpVerifier(List<PgpCertificate> keyring, boolean acceptExpiredSince) {
        this.keyring = keyring;
        this.acceptExpiredSince = acceptExpiredSince;
    }

    /** Verifies against {@code keyring}: signatures by any other key fail. */
    public static PgpVerifier trusting(Collection<PgpCertificate> keyring) {
        return new PgpVerifier(List.copyOf(Objects.requireNonNull(keyring, "keyring")), false);
    }

    /**
     * Also accepts a signature whose key was valid when it signed but has expired since (its
     * {@link VerifiedSignature#keyExpiredSince()} says so). Revoked keys are never accepted.
     */
    public PgpVerifier acceptingKeysExpiredSinceSigning(boolean accept) {
        return new PgpVerifier(keyring, accept);
    }

    /**
     * Verifies a detached signature over {@code data}.
     *
     * @throws HsmkitException VERIFICATION_FAILED for a bad signature or an unknown, expired or
     *         revoked key; INPUT when {@code signature} is not an OpenPGP signature
     */
    public List<VerifiedSignature> verifyDetached(InputStream signature, InputStream data) {
        List<PGPSignature> sigs = new ArrayList<>();
        PGPObjectFactory f = PgpPackets.objects(PgpPackets.decoded(signature));
        Object o;
        while ((o = PgpPackets.next(f)) != null) {
            if (o instanceof PGPSignatureList) {
                ((PGPSignatureList) o).forEach(sigs::add);
            } else if (o instanceof PGPCompressedData) {
                try {
                    f = PgpPackets.objects(((PGPCompressedData) o).getDataStream());
                } catch (PGPException e) {
                    throw HsmkitException.input("cannot decompress the signature: " + e.getMessage(), "the signature file is damaged");
                }
            } else if (!(o instanceof PGPMarker) && !(o instanceof PGPPadding)) {
                throw HsmkitException.input("the signature file holds " + describe(o) + ", not a detached signature",
                        o instanceof PGPOnePassSignatureList || o instanceof PGPLiteralData
                                ? "this is an inline signature: verify it without a separate data file" : "give the .sig or .asc file");
            }
        }
        if (sigs.isEmpty()) {
            throw HsmkitException.input("the signature file holds no signature", "give the .sig or .asc file");
        }
        List<SignatureCheck> checks = new ArrayList<>();
        for (PGPSignature s : sigs) {
            checks.add(SignatureCheck.start(s, keyring, acceptExpiredSince));
        }
        try {
            byte[] buf = new byte[BUFFER];
            int n;
            while ((n = data.read(buf)) > 0) {
                for (SignatureCheck c : checks) {
                    c.update(buf, 0, n);
                }
            }
        } catch (IOException e) {
            throw HsmkitException.io("cannot read the signed data: " + e.getMessage(), e);
        }
        return finish(checks);
    }

    /**
     * Verifies an inline or cleartext signature and writes the signed data to {@code content}
     * (may be null); the caller must release that content only when this returns.
     */
    public List<VerifiedSignature> verify(InputStream signed, OutputStream content) {
        InputStream in = signed.markSupported() ? signed : new java.io.BufferedInputStream(signed, BUFFER);
        try {
            in.mark(64);
            byte[] head = in.readNBytes(64);
            in.reset();
            if (new String(head, java.nio.charset.StandardCharsets.US_ASCII).contains("-----BEGIN PGP SIGNED MESSAGE-----")) {
                return cleartext(in, content);
            }
        } catch (IOException e) {
            throw HsmkitException.io("cannot read the signed message: " + e.getMessage(), e);
        }
        return inline(in, content);
    }

    private List<VerifiedSignature> inline(InputStream in, OutputStream content) {
        PGPObjectFactory f = PgpPackets.objects(PgpPackets.decoded(in));
        InlineSignatureChecks checks = inlineChecks(ErrorKind.INPUT);
        boolean literalSeen = false;
        Object o;
        try {
            while ((o = PgpPackets.next(f)) != null) {
                if (o instanceof PGPCompressedData) {
                    f = PgpPackets.objects(((PGPCompressedData) o).getDataStream());
                } else if (o instanceof PGPOnePassSignatureList) {
                    checks.onePass((PGPOnePassSignatureList) o);
                } else if (o instanceof PGPLiteralData) {
                    checks.literal();
                    literalSeen = true;
                    PGPLiteralData lit = (PGPLiteralData) o;
                    // a signature does not cover the packet's format: the line ends are converted only for text signatures,
                    // which do not cover line ends either; data under a binary signature is released as signed
                    TextLineEnds text = content != null && TextLineEnds.appliesTo(lit) && checks.allText() ? new TextLineEnds(content) : null;
                    OutputStream sink = text != null ? text : content;
                    InputStream data = lit.getDataStream();
                    byte[] buf = new byte[BUFFER];
                    int n;
                    while ((n = data.read(buf)) > 0) {
                        checks.data(buf, 0, n);
                        if (sink != null) {
                            sink.write(buf, 0, n);
                        }
                    }
                    if (text != null) {
                        text.finish();
                    }
                } else if (o instanceof PGPSignatureList) {
                    checks.signatures((PGPSignatureList) o, literalSeen);
                } else if (o instanceof org.bouncycastle.openpgp.PGPEncryptedDataList) {
                    throw HsmkitException.input("the input is an encrypted message",
                            "hsmkit pgp decrypt --keyring FILE decrypts it and checks the signature inside, if it is signed");
                } else if (!(o instanceof PGPMarker) && !(o instanceof PGPPadding)) {
                    throw HsmkitException.input("unexpected " + describe(o) + " in a signed message",
                            "give a file made by gpg --sign or hsmkit pgp sign");
                }
            }
        } catch (IOException | PGPException e) {
            throw PgpPackets.damaged("cannot read the signed message", e);
        }
        if (!literalSeen) {
            throw HsmkitException.input("the input holds no signed data", "for a detached signature, give the data file too");
        }
        return checks.finish();
    }

    /** Checks for the signatures inside one message, against this verifier's keyring and rules. */
    InlineSignatureChecks inlineChecks(ErrorKind unsigned) {
        return new InlineSignatureChecks(keyring, acceptExpiredSince, unsigned);
    }

    private List<VerifiedSignature> cleartext(InputStream in, OutputStream content) {
        Path spool = null;
        try {
            ArmoredInputStream armored = ArmoredInputStream.builder().build(in);
            spool = WorkFiles.temporary("cleartext", ".txt");
            // the signature follows the text, so the canonical text waits in a file until its hash is known
            try (OutputStream canonical = new java.io.BufferedOutputStream(Files.newOutputStream(spool), BUFFER)) {
                CleartextLines lines = new CleartextLines(null, canonical);
                int c;
                // the byte read when the text ends is the first of the signature's armour line, not text
                while ((c = armored.read()) >= 0 && armored.isClearText()) {
                    lines.write(c);
                }
                lines.finish();
            }
            PGPObjectFactory f = PgpPackets.objects(armored);
            List<PGPSignature> sigs = new ArrayList<>();
            Object o;
            while ((o = PgpPackets.next(f)) != null) {
                if (o instanceof PGPSignatureList) {
                    ((PGPSignatureList) o).forEach(sigs::add);
                }
            }
            if (sigs.isEmpty()) {
                throw HsmkitException.input("the cleartext message has no signature", "the message is damaged");
            }
            List<SignatureCheck> checks = new ArrayList<>();
            for (PGPSignature s : sigs) {
                if (s.getSignatureType() != PGPSignature.CANONICAL_TEXT_DOCUMENT) {
                    throw HsmkitException.verification("a cleartext signature must be a text signature (type 0x01)", "the message is malformed");
                }
                checks.add(SignatureCheck.start(s, keyring, acceptExpiredSince));
            }
            // what is released is what was hashed: trailing blanks are not signed, so they are not written either (gpg
            // drops them too); the CR LF line ends of the canonical text become LF, and the text ends with a line end
            TextLineEnds text = content == null ? null : new TextLineEnds(content);
            try (InputStream canonical = Files.newInputStream(spool)) {
                byte[] buf = new byte[BUFFER];
                int n;
                while ((n = canonical.read(buf)) > 0) {
                    for (SignatureCheck c : checks) {
                        c.update(buf, 0, n);
                    }
                    if (text != null) {
                        text.write(buf, 0, n);
                    }
                }
            }
            if (text != null) {
                text.finish();
                if (text.written() > 0) {
                    content.write('\n');
                }
            }
            return finish(checks);
        } catch (IOException e) {
            throw PgpPackets.damaged("cannot read the cleartext message", e);
        } finally {
            if (spool != null) {
                try {
                    Files.deleteIfExists(spool);
                } catch (IOException ignored) {
                    // a temporary file of canonical text; best effort
                }
            }
        }
    }

    private static List<VerifiedSignature> finish(List<SignatureCheck> checks) {
        List<VerifiedSignature> out = new ArrayList<>();
        for (SignatureCheck c : checks) {
            out.add(c.verify());
        }
        return out;
    }

    private static String describe(Object o) {
        String n = o.getClass().getSimpleName();
        return n.startsWith("PGP") ? n.substring(3) : n;
    }
}
