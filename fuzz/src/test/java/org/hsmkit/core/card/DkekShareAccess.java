package org.hsmkit.core.card;

/**
 * The share file code with a chosen iteration count, for fuzzing: at sc-hsm-tool's ten million MD5
 * rounds one input takes seconds, so the fuzzer would explore the key derivation instead of the
 * file format. Everything else is the code the public {@link DkekShare#decrypt} runs.
 */
public final class DkekShareAccess {
    private DkekShareAccess() {
    }

    public static DkekShare decrypt(byte[] file, byte[] password, int iterations) {
        return DkekShare.decrypt(file, password, iterations);
    }

    public static byte[] encrypt(DkekShare share, byte[] password, java.security.SecureRandom random, int iterations) {
        return share.encrypt(password, random, iterations);
    }
}
