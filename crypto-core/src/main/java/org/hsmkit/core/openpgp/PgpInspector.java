package org.hsmkit.core.openpgp;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import org.bouncycastle.bcpg.AEADEncDataPacket;
import org.bouncycastle.bcpg.InputStreamPacket;
import org.bouncycastle.bcpg.SymmetricEncDataPacket;
import org.bouncycastle.bcpg.SymmetricEncIntegrityPacket;
import org.bouncycastle.openpgp.PGPCompressedData;
import org.bouncycastle.openpgp.PGPEncryptedData;
import org.bouncycastle.openpgp.PGPEncryptedDataList;
import org.bouncycastle.openpgp.PGPLiteralData;
import org.bouncycastle.openpgp.PGPMarker;
import org.bouncycastle.openpgp.PGPObjectFactory;
import org.bouncycastle.openpgp.PGPOnePassSignatureList;
import org.bouncycastle.openpgp.PGPPBEEncryptedData;
import org.bouncycastle.openpgp.PGPPadding;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyEncryptedData;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPSecretKeyRing;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureList;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.NameFormat;
import org.hsmkit.core.internal.openpgp.OpenPgpKeys;
import org.hsmkit.core.internal.openpgp.PgpPackets;

/**
 * Describes OpenPGP data without any key: the packets at the top level (and inside compressed
 * data), recipients' key ids and algorithms, signers' key ids, certificates' fingerprints and
 * user ids. Reads encrypted content only as far as its header; signed content is skipped.
 */
public final class PgpInspector {
    private PgpInspector() {
    }

    /** One packet (or group of packets of one kind) and what it says. */
    public record Packet(String type, List<String> details) {
    }

    /**
     * @param kind what the data is: "encrypted message", "signed message", "detached signature",
     *        "revocation certificate", "certificate", "secret key", "literal data" or "compressed data"
     */
    public record Structure(String kind, List<Packet> packets, List<String> recipientKeyIds) {
    }

    /** Reads {@code in} (armoured or binary) and describes it; INPUT error when it is not OpenPGP. */
    public static Structure inspect(InputStream in) {
        List<Packet> packets = new ArrayList<>();
        List<String> recipients = new ArrayList<>();
        String kind = null;
        PGPObjectFactory f = PgpPackets.objects(PgpPackets.decoded(in));
        Object o;
        while ((o = PgpPackets.next(f)) != null) {
            if (o instanceof PGPEncryptedDataList) {
                kind = kind == null ? "encrypted message" : kind;
                for (PGPEncryptedData e : (PGPEncryptedDataList) o) {
                    if (e instanceof PGPPublicKeyEncryptedData) {
                        PGPPublicKeyEncryptedData p = (PGPPublicKeyEncryptedData) e;
                        String id = p.getKeyIdentifier().isWildcard() ? "anonymous" : p.getKeyIdentifier().getFingerprint() != null
                                ? OpenPgpKeys.hex(p.getKeyIdentifier().getFingerprint()) : OpenPgpKeys.keyId(p.getKeyID());
                        recipients.add(id);
                        packets.add(new Packet("public-key encrypted session key", List.of("version " + p.getVersion(), "recipient " + id,
                                "algorithm " + algorithm(p.getAlgorithm()))));
                    } else if (e instanceof PGPPBEEncryptedData) {
                        packets.add(new Packet("password-encrypted session key", List.of()));
                    }
                }
                // the data packet itself: a list without session key packets has no first entry to ask
                packets.add(new Packet(dataPacket(((PGPEncryptedDataList) o).getEncryptedData()), List.of()));
                break; // the rest is ciphertext
            } else if (o instanceof PGPPublicKeyRing) {
                kind = kind == null ? "certificate" : kind;
                PGPPublicKeyRing ring = (PGPPublicKeyRing) o;
                for (Iterator<PGPPublicKey> it = ring.getPublicKeys(); it.hasNext();) {
                    PGPPublicKey k = it.next();
                    List<String> d = new ArrayList<>(List.of("fingerprint " + OpenPgpKeys.hex(k.getFingerprint()),
                            "algorithm " + algorithm(k.getAlgorithm()) + " " + k.getBitStrength() + " bits",
                            "created " + k.getCreationTime().toInstant()));
                    k.getUserIDs().forEachRemaining(u -> d.add("user id " + NameFormat.printable(u)));
                    packets.add(new Packet(k.isMasterKey() ? "public key" : "public subkey", d));
                }
            } else if (o instanceof PGPSecretKeyRing) {
                kind = kind == null ? "secret key" : kind;
                packets.add(new Packet("secret key", List.of("key id " + OpenPgpKeys.keyId(((PGPSecretKeyRing) o).getPublicKey().getKeyID()))));
            } else if (o instanceof PGPOnePassSignatureList) {
                kind = kind == null ? "signed message" : kind;
                ((PGPOnePassSignatureList) o).forEach(s -> packets.add(new Packet("one-pass signature",
                        List.of("signer " + OpenPgpKeys.keyId(s.getKeyID()), "hash " + hash(s.getHashAlgorithm())))));
            } else if (o instanceof PGPSignatureList) {
                PGPSignatureList list = (PGPSignatureList) o;
                boolean revocations = !list.isEmpty();
                for (PGPSignature s : list) {
                    revocations &= s.getSignatureType() == PGPSignature.KEY_REVOCATION;
                }
                kind = kind == null ? revocations ? "revocation certificate" : "detached signature" : kind;
                list.forEach(s -> {
                    List<String> details = new java.util.ArrayList<>(List.of(
                            "signer " + (s.getKeyIdentifiers().isEmpty() ? "unknown" : s.getKeyIdentifiers().stream()
                                    .map(i -> i.getFingerprint() != null ? OpenPgpKeys.hex(i.getFingerprint()) : OpenPgpKeys.keyId(i.getKeyId()))
                                    .reduce((a, b) -> a.length() >= b.length() ? a : b).orElse("")),
                            "type " + s.getSignatureType() + (s.getSignatureType() == PGPSignature.KEY_REVOCATION ? " (key revocation)" : ""),
                            "hash " + hash(s.getHashAlgorithm()), "key algorithm " + algorithm(s.getKeyAlgorithm()),
                            "created " + s.getCreationTime().toInstant()));
                    org.bouncycastle.bcpg.sig.RevocationReason why = s.getHashedSubPackets() == null ? null
                            : s.getHashedSubPackets().getRevocationReason();
                    if (why != null) {
                        details.add("reason " + revocationReason(why.getRevocationReason())
                                + (why.getRevocationDescription().isEmpty() ? "" : ": '" + NameFormat.printable(why.getRevocationDescription()) + "'"));
                    }
                    packets.add(new Packet("signature", List.copyOf(details)));
                });
            } else if (o instanceof PGPLiteralData) {
                kind = kind == null ? "literal data" : kind;
                PGPLiteralData l = (PGPLiteralData) o;
                long n = skip(l.getDataStream());
                packets.add(new Packet("literal data", List.of("file name '" + NameFormat.printable(PgpPackets.fileName(l)) + "'", n + " bytes")));
            } else if (o instanceof PGPCompressedData) {
                kind = kind == null ? "compressed data" : kind;
                PGPCompressedData c = (PGPCompressedData) o;
                packets.add(new Packet("compressed data", List.of("algorithm " + c.getAlgorithm())));
                try {
                    f = PgpPackets.objects(c.getDataStream());
                } catch (org.bouncycastle.openpgp.PGPException e) {
                    throw HsmkitException.input("cannot decompress: " + e.getMessage(), "the data is damaged");
                }
            } else if (o instanceof PGPMarker || o instanceof PGPPadding) {
                packets.add(new Packet(o instanceof PGPMarker ? "marker" : "padding", List.of()));
            } else {
                packets.add(new Packet(o.getClass().getSimpleName(), List.of()));
            }
        }
        if (kind == null) {
            throw HsmkitException.input("the input holds no OpenPGP packets", "give an OpenPGP file");
        }
        return new Structure(kind, List.copyOf(packets), List.copyOf(recipients));
    }

    private static String revocationReason(byte code) {
        for (PgpRevocation.Reason r : PgpRevocation.Reason.values()) {
            if (r.code() == code) {
                return r.description();
            }
        }
        return "code " + (code & 0xff) + (code == 32 ? " (user id no longer valid)" : "");
    }

    private static long skip(InputStream in) {
        try {
            long n = 0;
            byte[] b = new byte[1 << 16];
            int r;
            while ((r = in.read(b)) > 0) {
                n += r;
            }
            return n;
        } catch (java.io.IOException e) {
            throw PgpPackets.damaged("cannot read the literal data", e);
        }
    }

    private static String dataPacket(InputStreamPacket p) {
        if (p instanceof SymmetricEncIntegrityPacket) {
            return "symmetrically encrypted integrity-protected data (SEIPD v" + ((SymmetricEncIntegrityPacket) p).getVersion() + ")";
        }
        if (p instanceof SymmetricEncDataPacket) {
            return "symmetrically encrypted data WITHOUT integrity protection (refused by hsmkit)";
        }
        if (p instanceof AEADEncDataPacket) {
            return "AEAD encrypted data";
        }
        // Bouncy Castle takes any data-carrying packet after the session keys (a reserved one too)
        return "no encrypted data but a packet of tag " + p.getPacketTag();
    }

    static String algorithm(int alg) {
        switch (alg) {
            case 1:
            case 2:
            case 3:
                return "RSA";
            case 16:
                return "ElGamal";
            case 17:
                return "DSA";
            case 18:
                return "ECDH";
            case 19:
                return "ECDSA";
            case 22:
                return "EdDSA";
            case 25:
                return "X25519";
            case 27:
                return "Ed25519";
            default:
                return "algorithm " + alg;
        }
    }

    private static String hash(int tag) {
        try {
            return OpenPgpKeys.jcaHashName(tag);
        } catch (HsmkitException e) {
            return "hash " + tag;
        }
    }
}
