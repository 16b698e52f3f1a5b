package org.hsmkit.core.internal.openpgp;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

import org.hsmkit.core.DataObject;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.Token;
import org.hsmkit.core.TokenKey;

/**
 * Where hsmkit keeps a token key's OpenPGP creation time: a public data object on the same token.
 *
 * <ul>
 * <li>label {@code openpgp-created-} and the first 16 hexadecimal digits of SHA-256 over the
 *     public key's numbers (RSA: the modulus; EC: X and Y, each the field's length), so the
 *     record follows the key whatever its label or id, and two keys never share one;</li>
 * <li>application {@code hsmkit-openpgp}: an object with such a label but another application (one
 *     that does not begin with it) is someone else's, and hsmkit refuses to read or replace it;</li>
 * <li>value {@code created=SECONDS} (ASCII; seconds since 1970 in UTC), public so that it can be
 *     read without a login — it is in every exported certificate anyway.</li>
 * </ul>
 */
public final class CreationTimeRecord {
    public static final String APPLICATION = "hsmkit-openpgp";
    public static final String LABEL_PREFIX = "openpgp-created-";

    private CreationTimeRecord() {
    }

    public static String label(TokenKey key) {
        return LABEL_PREFIX + HexFormat.of().formatHex(keyDigest(key.publicKey()), 0, 8);
    }

    /**
     * The stored creation time, or empty when there is none (or the token cannot hold data
     * objects at all).
     */
    public static Optional<Instant> read(Token token, TokenKey key) {
        String label = label(key);
        List<DataObject> objects;
        try {
            objects = token.dataObjects();
        } catch (HsmkitException e) {
            return Optional.empty();
        }
        Optional<DataObject> found = objects.stream().filter(o -> o.label().equals(label)).findFirst();
        if (found.isEmpty()) {
            return Optional.empty();
        }
        checkOurs(found.get());
        byte[] value = token.readData(label);
        return Optional.of(parse(label, new String(value, StandardCharsets.US_ASCII)));
    }

    /** Stores {@code created} (whole seconds) for {@code key}; there must be no record yet. */
    public static void write(Token token, TokenKey key, Instant created) {
        byte[] value = ("created=" + created.getEpochSecond()).getBytes(StandardCharsets.US_ASCII);
        token.writeData(label(key), APPLICATION, value, false);
    }

    private static void checkOurs(DataObject o) {
        // OpenSC's module stored the name followed by stray bytes of hsmkit's memory until hsmkit
        // gave it a terminator: such a record is hsmkit's, and the creation time in it fixes the
        // key's OpenPGP fingerprint, so it is read rather than refused
        if (!o.application().startsWith(APPLICATION)) {
            throw HsmkitException.key("the data object '" + o.label() + "' was not written by hsmkit (application '"
                    + o.application() + "')", "rename or delete that object (hsmkit data list / data delete) so hsmkit can keep "
                    + "the key's OpenPGP creation time under this label");
        }
    }

    static Instant parse(String label, String text) {
        String t = text.trim();
        if (t.startsWith("created=")) {
            try {
                long seconds = Long.parseLong(t.substring(8));
                if (seconds > 0 && seconds < (1L << 32)) {
                    return Instant.ofEpochSecond(seconds);
                }
            } catch (NumberFormatException e) {
                // reported below
            }
        }
        throw HsmkitException.key("the data object '" + label + "' does not hold an OpenPGP creation time",
                "delete it (hsmkit data delete --label " + label + " --yes) and export the certificate again with --created");
    }

    private static byte[] keyDigest(PublicKey key) {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        if (key instanceof RSAPublicKey) {
            md.update(unsigned(((RSAPublicKey) key).getModulus(), 0));
        } else if (key instanceof ECPublicKey) {
            ECPublicKey ec = (ECPublicKey) key;
            int len = (ec.getParams().getCurve().getField().getFieldSize() + 7) / 8;
            md.update(unsigned(ec.getW().getAffineX(), len));
            md.update(unsigned(ec.getW().getAffineY(), len));
        } else {
            md.update(key.getEncoded());
        }
        return md.digest();
    }

    private static byte[] unsigned(BigInteger n, int length) {
        byte[] b = n.toByteArray();
        int start = b.length > 1 && b[0] == 0 ? 1 : 0;
        int len = b.length - start;
        byte[] out = new byte[Math.max(len, length)];
        System.arraycopy(b, start, out, out.length - len, len);
        return out;
    }
}
