package org.hsmkit.core.card;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.hsmkit.core.ErrorKind;
import org.hsmkit.core.HsmkitException;

/**
 * The n-of-m form of a DKEK share password, as {@code sc-hsm-tool --pwd-shares-threshold N
 * --pwd-shares-total M} makes it: a random 8-byte password (below 2^63) split with Shamir's scheme
 * over GF(p) for a random 64-bit prime p. Every holder gets the prime, a part number (1..M) and a
 * part value; any N parts give the password back, fewer give nothing about it.
 *
 * <p>Parts print the way sc-hsm-tool prints them (hex bytes separated by colons, the part number
 * in decimal), so a part written down from either tool can be typed into the other.
 */
public final class PasswordShares {
    /** Length of the password in bytes. */
    public static final int PASSWORD_LENGTH = 8;
    /** Most holders a split can have (sc-hsm-tool keeps counts in one byte). */
    public static final int MAX_HOLDERS = 255;

    /** One holder's part: its number and value. */
    public record Part(int id, BigInteger value) {
        public Part {
            if (id < 1 || id > MAX_HOLDERS) {
                throw HsmkitException.input("part number " + id + " is out of range", "part numbers run from 1 to the number of holders");
            }
            if (value.signum() < 0) {
                throw HsmkitException.input("a part value cannot be negative", null);
            }
        }

        /** The value as sc-hsm-tool prints it: hex bytes separated by colons. */
        public String valueText() {
            return hex(value);
        }
    }

    /** A split password: the prime every holder needs, and one part per holder. */
    public record Split(BigInteger prime, List<Part> parts) {
        public Split {
            parts = List.copyOf(parts);
        }

        /** The prime as sc-hsm-tool prints it. */
        public String primeText() {
            return hex(prime);
        }
    }

    private PasswordShares() {
    }

    /**
     * A new random password in the form sc-hsm-tool gives it: 8 bytes, the first below 0x80. The
     * first byte is also never 0, since sc-hsm-tool rebuilds the password without leading zero
     * bytes and would then get a different one.
     */
    public static byte[] newPassword(SecureRandom random) {
        byte[] p = new byte[PASSWORD_LENGTH];
        do {
            random.nextBytes(p);
            p[0] &= 0x7F;
        } while (p[0] == 0);
        return p;
    }

    /**
     * Splits {@code password} into {@code holders} parts, any {@code threshold} of which rebuild it.
     *
     * @throws HsmkitException USAGE for a threshold below 2, or above the holders, or holders above 255
     */
    public static Split split(byte[] password, int threshold, int holders, SecureRandom random) {
        checkCounts(threshold, holders);
        BigInteger secret = new BigInteger(1, password);
        if (secret.bitLength() > 63) {
            throw new IllegalArgumentException("the password must be below 2^63");
        }
        BigInteger prime;
        do {
            prime = BigInteger.probablePrime(64, random);
        } while (prime.compareTo(secret) <= 0);
        BigInteger[] coefficients = new BigInteger[threshold];
        coefficients[0] = secret;
        for (int i = 1; i < threshold; i++) {
            coefficients[i] = uniformBelow(prime, random);
        }
        List<Part> parts = new ArrayList<>(holders);
        for (int x = 1; x <= holders; x++) {
            BigInteger bx = BigInteger.valueOf(x);
            BigInteger y = BigInteger.ZERO;
            for (int i = threshold - 1; i >= 0; i--) {
                y = y.multiply(bx).add(coefficients[i]).mod(prime);
            }
            parts.add(new Part(x, y));
        }
        return new Split(prime, parts);
    }

    /** Refuses counts sc-hsm-tool would refuse too. */
    public static void checkCounts(int threshold, int holders) {
        if (threshold < 2 || holders < threshold || holders > MAX_HOLDERS) {
            throw new HsmkitException(ErrorKind.USAGE, "cannot split a password " + threshold + "-of-" + holders,
                    "use --threshold N --holders M with 2 <= N <= M <= " + MAX_HOLDERS + ", e.g. --threshold 2 --holders 3");
        }
    }

    /**
     * Rebuilds the password from parts by Lagrange interpolation at 0, as sc-hsm-tool does: the
     * result is the number's bytes without leading zeros.
     *
     * @throws HsmkitException INPUT for repeated part numbers or values not below the prime
     */
    public static byte[] combine(BigInteger prime, List<Part> parts) {
        if (prime.bitLength() < 2 || !prime.isProbablePrime(64)) {
            throw HsmkitException.input("the prime " + hex(prime) + " is not a prime", "check the prime each holder has");
        }
        Set<Integer> ids = new HashSet<>();
        for (Part p : parts) {
            if (!ids.add(p.id())) {
                throw HsmkitException.input("part " + p.id() + " was given twice", "each holder enters their own part once");
            }
            if (p.value().compareTo(prime) >= 0) {
                throw HsmkitException.input("the value of part " + p.id() + " is not below the prime",
                        "check the part value and the prime");
            }
        }
        BigInteger secret = BigInteger.ZERO;
        for (Part i : parts) {
            BigInteger num = BigInteger.ONE;
            BigInteger den = BigInteger.ONE;
            for (Part j : parts) {
                if (j != i) {
                    num = num.multiply(BigInteger.valueOf(j.id())).mod(prime);
                    den = den.multiply(BigInteger.valueOf(j.id() - i.id())).mod(prime);
                }
            }
            secret = secret.add(i.value().multiply(num).multiply(den.modInverse(prime))).mod(prime);
        }
        byte[] b = secret.toByteArray();
        int skip = 0;
        while (skip < b.length - 1 && b[skip] == 0) {
            skip++;
        }
        byte[] out = Arrays.copyOfRange(b, skip, b.length);
        Arrays.fill(b, (byte) 0);
        return out;
    }

    /** Hex bytes separated by colons, lower case, without leading zero bytes (sc-hsm-tool's form). */
    public static String hex(BigInteger n) {
        byte[] b = n.toByteArray();
        int skip = b.length > 1 && b[0] == 0 ? 1 : 0;
        StringBuilder s = new StringBuilder();
        for (int i = skip; i < b.length; i++) {
            if (s.length() > 0) {
                s.append(':');
            }
            s.append(String.format(Locale.ROOT, "%02x", b[i] & 0xFF));
        }
        return s.toString();
    }

    /**
     * Reads hex as a person types it: with or without colons or spaces between bytes, either case.
     *
     * @throws HsmkitException INPUT naming {@code what} when it is not hex
     */
    public static BigInteger parseHex(String text, String what) {
        String t = text == null ? "" : text.replaceAll("[\\s:]", "");
        if (t.isEmpty() || !t.matches("[0-9a-fA-F]+") || t.length() > 64) {
            throw HsmkitException.input("the " + what + " is not hex", "type it as printed, e.g. 0c:5f:9a:... (colons optional)");
        }
        return new BigInteger(t, 16);
    }

    /**
     * Reads a part number (printed in decimal by both tools).
     *
     * @throws HsmkitException INPUT when it is not a number from 1 to 255
     */
    public static int parseId(String text) {
        String t = text == null ? "" : text.strip();
        if (!t.matches("[0-9]{1,3}") || Integer.parseInt(t) < 1 || Integer.parseInt(t) > MAX_HOLDERS) {
            throw HsmkitException.input("the part number '" + t + "' is not a number from 1 to " + MAX_HOLDERS,
                    "type the part number (Share ID) as printed");
        }
        return Integer.parseInt(t);
    }

    private static BigInteger uniformBelow(BigInteger bound, SecureRandom random) {
        BigInteger r;
        do {
            r = new BigInteger(bound.bitLength(), random);
        } while (r.compareTo(bound) >= 0);
        return r;
    }
}
