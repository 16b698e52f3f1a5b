package org.hsmkit.testdata.schsm;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * Everything the simulated card keeps: files, keys, PINs and DKEK (kept over power cycles, as
 * in the card's EEPROM) and the session state a reset clears (selected applet, PIN verified,
 * current file, secure messaging).
 */
final class CardState {
    static final byte[] AID = HexFormat.of().parseHex("E82B0601040181C31F0201");
    static final int DEV_AUT = 0x2F02;
    static final int TOKEN_INFO = 0x2F03;
    static final int KEY_PREFIX = 0xCC;
    /** The key's metadata as the card keeps it: use counter (90) and algorithm list (91). */
    static final int KEY_META_PREFIX = 0xCB;
    /** Key reference 0 holds the device key (attestation and device authentication); no command uses it as a key. */
    static final int DEVICE_KEY = 0;
    static final int PROTECTED_DATA_PREFIX = 0xCD;
    /** Prefixes of the objects ENUMERATE OBJECTS lists besides keys (descriptions, certificates, data). */
    static final int[] LISTED_PREFIXES = {0xC4, 0xC8, 0xC9, 0xCA, 0xCD, 0xCE, 0xCF};
    static final int USER_PIN_MAX_TRIES_DEFAULT = 3;
    static final int SO_PIN_MAX_TRIES = 15;

    final SecureRandom random;
    final DeviceChain device;

    // --- non-volatile ---
    final Map<Integer, byte[]> files = new TreeMap<>();
    /** The most bytes all files may hold together; a write past it answers 6A84 (not enough memory). */
    int fileByteLimit = Integer.MAX_VALUE;

    int fileBytes() {
        return files.values().stream().mapToInt(f -> f.length).sum();
    }
    final Map<Integer, KeyEntry> keys = new TreeMap<>();
    boolean initialized;
    byte[] userPin;
    int userTries;
    int userMaxTries = USER_PIN_MAX_TRIES_DEFAULT;
    byte[] soPin;
    int soTries = SO_PIN_MAX_TRIES;
    int options;
    /**
     * Number of DKEK shares the card was initialised for; 0: the card made a random DKEK itself;
     * -1: initialised without DKEK (no key wrap / unwrap, as sc-hsm-tool --initialize without --dkek-shares).
     */
    int dkekShares;
    int dkekImported;
    byte[] dkek = new byte[32];

    // --- volatile ---
    boolean appletSelected;
    boolean userVerified;
    Integer currentEf;
    ChipAuthentication.Session secureMessaging;
    String mseProtocol;

    CardState(SecureRandom random, DeviceChain device) {
        this.random = random;
        this.device = device;
        files.put(DEV_AUT, device.efCDevAut());
    }

    /** What a power cycle or warm reset clears. */
    void resetSession() {
        appletSelected = false;
        userVerified = false;
        currentEf = null;
        secureMessaging = null;
        mseProtocol = null;
    }

    byte[] random(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    void requireUserPin() {
        if (!userVerified) {
            throw Sw.fail(Sw.SECURITY_STATUS_NOT_SATISFIED, "the user PIN is not verified");
        }
    }

    /** Checks the SO-PIN (8 bytes), counting a wrong one against its retry counter. */
    void checkSoPin(byte[] candidate) {
        if (soTries == 0) {
            throw Sw.fail(Sw.AUTHENTICATION_BLOCKED, "the SO-PIN is blocked");
        }
        if (candidate.length != 8 || !MessageDigest.isEqual(candidate, soPin)) {
            soTries--;
            throw Sw.fail(soTries == 0 ? Sw.AUTHENTICATION_BLOCKED : Sw.triesLeft(soTries), "wrong SO-PIN");
        }
        soTries = SO_PIN_MAX_TRIES;
    }

    /** Checks the user PIN, counting a wrong one against its retry counter. */
    void checkUserPin(byte[] candidate) {
        if (!initialized) {
            throw Sw.fail(Sw.REFERENCE_DATA_NOT_USABLE, "the card is not initialised");
        }
        if (userTries == 0) {
            throw Sw.fail(Sw.AUTHENTICATION_BLOCKED, "the user PIN is blocked");
        }
        if (!MessageDigest.isEqual(candidate, userPin)) {
            userTries--;
            userVerified = false;
            throw Sw.fail(userTries == 0 ? Sw.AUTHENTICATION_BLOCKED : Sw.triesLeft(userTries), "wrong user PIN");
        }
        userTries = userMaxTries;
        userVerified = true;
    }

    /** Key check value of the DKEK: the first 8 bytes of its SHA-256 hash. */
    byte[] dkekKcv() {
        try {
            return Arrays.copyOf(MessageDigest.getInstance("SHA-256").digest(dkek), 8);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    boolean dkekComplete() {
        return dkekShares >= 0 && dkekImported >= dkekShares;
    }

    KeyEntry key(int ref) {
        if (ref == DEVICE_KEY) {
            throw Sw.fail(Sw.CONDITIONS_NOT_SATISFIED, "key 0 is the device key");
        }
        KeyEntry k = keys.get(ref);
        if (k == null) {
            throw Sw.fail(Sw.REFERENCE_NOT_FOUND, "no key with reference " + ref);
        }
        return k;
    }
}
