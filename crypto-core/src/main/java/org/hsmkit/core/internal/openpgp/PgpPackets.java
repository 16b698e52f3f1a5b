package org.hsmkit.core.internal.openpgp;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

import org.bouncycastle.bcpg.ArmoredInputStream;
import org.bouncycastle.openpgp.PGPLiteralData;
import org.bouncycastle.openpgp.PGPMarker;
import org.bouncycastle.openpgp.PGPObjectFactory;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPSecretKeyRing;
import org.bouncycastle.openpgp.PGPUtil;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.internal.io.InputFormat;

/** Reading OpenPGP packets from untrusted input, with Bouncy Castle's failures turned into INPUT errors. */
public final class PgpPackets {
    private PgpPackets() {
    }

    /**
     * Armoured or binary input, detected: the binary packet stream. Bouncy Castle skips packet
     * bodies it does not need, so a stream that cannot seek (a pipe) skips by reading. A CMS file,
     * PDF, certificate or key is refused with what it is.
     */
    public static InputStream decoded(InputStream in) {
        try {
            return PGPUtil.getDecoderStream(InputFormat.require(org.hsmkit.core.internal.io.SeekOptionalInputStream.around(in),
                    InputFormat.OPENPGP));
        } catch (IOException e) {
            throw damaged("cannot read the OpenPGP data", e);
        }
    }

    public static PGPObjectFactory objects(InputStream binary) {
        return new PGPObjectFactory(binary, Bc.fingerprints());
    }

    /** The next object, or null at the end; INPUT error for damaged or unknown packets. */
    public static Object next(PGPObjectFactory f) {
        try {
            return f.nextObject();
        } catch (IOException | RuntimeException e) {
            throw damaged("cannot parse the OpenPGP packets", e);
        }
    }

    public static List<PGPPublicKeyRing> readCertificates(InputStream in) {
        List<PGPPublicKeyRing> out = new ArrayList<>();
        InputStream decoded = decoded(in);
        // several armour blocks one after the other (cat a.asc b.asc) are one keyring too
        boolean more = true;
        while (more) {
            PGPObjectFactory f = objects(decoded);
            Object o;
            boolean any = false;
            while ((o = next(f)) != null) {
                any = true;
                if (o instanceof PGPPublicKeyRing) {
                    out.add((PGPPublicKeyRing) o);
                } else if (o instanceof PGPSecretKeyRing) {
                    throw HsmkitException.input("this is a secret key, not a certificate",
                            "give the public certificate (gpg --export --armor ID); never hand out a secret key file");
                } else if (!(o instanceof PGPMarker)) {
                    throw HsmkitException.input("this is not an OpenPGP certificate but " + describe(o),
                            "give a public key file (gpg --export --armor ID)");
                }
            }
            more = any && decoded instanceof ArmoredInputStream armored && !armored.isEndOfStream();
        }
        if (out.isEmpty()) {
            throw HsmkitException.input("no OpenPGP certificate found", "give a public key file (gpg --export --armor ID)");
        }
        return out;
    }

    /**
     * The file name a literal data packet gives, decoded as UTF-8 with a replacement character for
     * bytes that are not (Bouncy Castle's {@code getFileName} throws on them). The name comes from
     * the sender and is only shown, never used as a path, so a bad one must not cost the content.
     */
    public static String fileName(PGPLiteralData literal) {
        return new String(literal.getRawFileName(), java.nio.charset.StandardCharsets.UTF_8);
    }

    static String describe(Object o) {
        String n = o.getClass().getSimpleName();
        return n.startsWith("PGP") ? "OpenPGP " + n.substring(3).replaceAll("([a-z])([A-Z])", "$1 $2").toLowerCase(java.util.Locale.ROOT) : n;
    }

    public static HsmkitException damaged(String what, Exception e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        String hint = m.toLowerCase(java.util.Locale.ROOT).contains("version")
                ? "the data uses a packet version hsmkit does not read (it reads OpenPGP version 4 keys and signatures, SEIPD v1 and v2)"
                : "the file is damaged or not OpenPGP data";
        return HsmkitException.input(what + ": " + m, hint, e);
    }
}
