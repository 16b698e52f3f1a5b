package org.hsmkit.cli;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Base64;

import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.KeyType;

/**
 * A public key as one OpenSSH {@code authorized_keys} line: {@code <type> <base64 blob> [comment]}.
 * The blob is the SSH wire encoding (RFC 4253 §6.6 for RSA, RFC 5656 §3.1 for ECDSA): a sequence of
 * {@code string} (uint32 length + bytes) and {@code mpint} (uint32 length + minimal two's-complement
 * big-endian) fields.
 */
final class KeyOpenSshLine {
    private KeyOpenSshLine() {
    }

    /** The line, without a newline; {@code comment} may be empty. */
    static String of(KeyType type, PublicKey key, String comment) {
        String name;
        byte[] blob;
        if (key instanceof RSAPublicKey rsa) {
            name = "ssh-rsa";
            Wire w = new Wire();
            w.string(name);
            w.mpint(rsa.getPublicExponent());
            w.mpint(rsa.getModulus());
            blob = w.bytes();
        } else if (key instanceof ECPublicKey ec) {
            String curve = switch (type) {
                case EC_P256 -> "nistp256";
                case EC_P384 -> "nistp384";
                case EC_P521 -> "nistp521";
                default -> throw HsmkitException.key("OpenSSH has no key format for " + type.spec() + " keys",
                        "SSH supports RSA and ECDSA on P-256, P-384 and P-521; export this key with --format pem");
            };
            name = "ecdsa-sha2-" + curve;
            Wire w = new Wire();
            w.string(name);
            w.string(curve);
            w.string(uncompressedPoint(ec, (type.bits() + 7) / 8));
            blob = w.bytes();
        } else {
            throw HsmkitException.key("OpenSSH has no key format for " + key.getAlgorithm() + " keys", null);
        }
        String line = name + " " + Base64.getEncoder().encodeToString(blob);
        String c = comment == null ? "" : comment.replaceAll("[\\r\\n]", " ").strip();
        return c.isEmpty() ? line : line + " " + c;
    }

    /** SEC 1 uncompressed point 04 || X || Y, each coordinate left-padded to the field size. */
    static byte[] uncompressedPoint(ECPublicKey ec, int fieldBytes) {
        byte[] out = new byte[1 + 2 * fieldBytes];
        out[0] = 0x04;
        fixed(ec.getW().getAffineX(), out, 1, fieldBytes);
        fixed(ec.getW().getAffineY(), out, 1 + fieldBytes, fieldBytes);
        return out;
    }

    private static void fixed(BigInteger v, byte[] out, int offset, int len) {
        byte[] b = v.toByteArray();
        int skip = 0;
        while (b.length - skip > len && b[skip] == 0) {
            skip++;
        }
        int n = b.length - skip;
        if (n > len) {
            throw new IllegalArgumentException("coordinate longer than the field");
        }
        System.arraycopy(b, skip, out, offset + len - n, n);
    }

    private static final class Wire {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        void string(String s) {
            string(s.getBytes(StandardCharsets.US_ASCII));
        }

        void string(byte[] b) {
            uint32(b.length);
            out.writeBytes(b);
        }

        /** RFC 4251 §5: two's complement, minimal length, zero as an empty string. */
        void mpint(BigInteger v) {
            string(v.signum() == 0 ? new byte[0] : v.toByteArray());
        }

        void uint32(int v) {
            out.write(v >>> 24);
            out.write(v >>> 16);
            out.write(v >>> 8);
            out.write(v);
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }
}
