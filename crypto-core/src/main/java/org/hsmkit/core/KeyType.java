package org.hsmkit.core;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * The key types hsmkit can generate and use. The {@link #spec()} strings are the ones the CLI
 * accepts after {@code --type}.
 */
public enum KeyType {
    RSA_2048("rsa:2048", 2048, null),
    RSA_3072("rsa:3072", 3072, null),
    RSA_4096("rsa:4096", 4096, null),
    EC_P256("ec:P-256", 256, "secp256r1"),
    EC_P384("ec:P-384", 384, "secp384r1"),
    EC_P521("ec:P-521", 521, "secp521r1"),
    EC_BRAINPOOL_P256R1("ec:brainpoolP256r1", 256, "brainpoolP256r1"),
    EC_BRAINPOOL_P384R1("ec:brainpoolP384r1", 384, "brainpoolP384r1"),
    EC_BRAINPOOL_P512R1("ec:brainpoolP512r1", 512, "brainpoolP512r1");

    private final String spec;
    private final int bits;
    private final String curve;

    KeyType(String spec, int bits, String curve) {
        this.spec = spec;
        this.bits = bits;
        this.curve = curve;
    }

    /** The CLI spelling, e.g. {@code rsa:3072} or {@code ec:P-256}. */
    public String spec() {
        return spec;
    }

    /** Modulus length for RSA, field size for EC. */
    public int bits() {
        return bits;
    }

    public boolean isRsa() {
        return curve == null;
    }

    public boolean isEc() {
        return curve != null;
    }

    /** The standard curve name (as Bouncy Castle and the JDK know it), empty for RSA. */
    public Optional<String> curveName() {
        return Optional.ofNullable(curve);
    }

    /** Parses a CLI spelling, case-insensitively. */
    public static KeyType parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        for (KeyType k : values()) {
            if (k.spec.toLowerCase(Locale.ROOT).equals(t)) {
                return k;
            }
        }
        throw HsmkitException.input("unknown key type '" + text + "'",
                "use one of " + Arrays.stream(values()).map(KeyType::spec).reduce((a, b) -> a + ", " + b).orElse(""));
    }

    @Override
    public String toString() {
        return spec;
    }
}
