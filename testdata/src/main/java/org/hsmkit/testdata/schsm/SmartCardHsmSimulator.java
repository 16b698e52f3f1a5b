package org.hsmkit.testdata.schsm;

import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;

import org.hsmkit.testdata.pcsc.VirtualCard;

/**
 * A simulator of a SmartCard-HSM (Nitrokey HSM 2) for tests: the card side of a virtual reader
 * ({@link org.hsmkit.testdata.pcsc.PcscTestService}), answering the APDUs OpenSC's sc-hsm
 * driver, sc-hsm-tool and CardContact's tools send, with real cryptography (Bouncy Castle). Not
 * a card: keys live in this JVM's memory.
 *
 * <p>New simulators are in the state a Nitrokey HSM 2 is delivered in: initialised, user PIN
 * {@value #DEFAULT_USER_PIN}, SO-PIN {@value #DEFAULT_SO_PIN}, no DKEK shares; each has its own
 * serial number and device certificate chain under the test root. What it implements and how it
 * differs from a real card: {@code docs/smartcard-hsm-simulator.md}.
 *
 * <p>Test hooks: {@link #pullAtApdu(int)} (the card leaves the reader in the middle of the Nth
 * command from now), {@link #apduCount()} and {@link #log()} (every command seen), and read-only
 * views of the card's keys, files and PIN state.
 */
public final class SmartCardHsmSimulator implements VirtualCard {
    /** The ATR of the Nitrokey HSM 2 / SmartCard-HSM 4K. */
    public static final String ATR_HEX = "3BDE18FF8191FE1FC38031815448534D31738021408107" + "1C";
    public static final String DEFAULT_USER_PIN = "648219";
    public static final String DEFAULT_SO_PIN = "3537363231383830";
    static final byte VERSION_MAJOR = 3;
    static final byte VERSION_MINOR = 5;
    private static final AtomicInteger SERIALS = new AtomicInteger(1);

    private final CardState card;
    private final FileCommands files;
    private final PinCommands pins;
    private final KeyGeneration generation;
    private final KeyOperations operations;
    private final KeyBackup backup;
    private final ChipAuthentication authentication;
    private final List<String> log = new ArrayList<>();
    private int apduCount;
    private int pullAt = -1;
    private byte[] pendingResponse = new byte[0];

    /** A simulator in delivery state with the next free serial number. */
    public SmartCardHsmSimulator() {
        this(builder());
    }

    private SmartCardHsmSimulator(Builder b) {
        DeviceChain chain = b.chain != null ? b.chain : DeviceChain.issue(b.serial > 0 ? b.serial : SERIALS.getAndIncrement());
        card = new CardState(b.random, chain);
        if (b.initialized) {
            card.initialized = true;
            card.userPin = b.userPin.getBytes(StandardCharsets.UTF_8);
            card.userMaxTries = b.retries;
            card.userTries = b.retries;
            card.soPin = HexFormat.of().parseHex(b.soPin);
            card.options = 0x0001;
            card.dkekShares = b.dkekShares;
            card.dkek = b.dkekShares == 0 ? card.random(32) : new byte[32];
        } else {
            card.soPin = HexFormat.of().parseHex(DEFAULT_SO_PIN);
        }
        files = new FileCommands(card);
        pins = new PinCommands(card);
        generation = new KeyGeneration(card);
        operations = new KeyOperations(card);
        backup = new KeyBackup(card);
        authentication = new ChipAuthentication(card);
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public byte[] atr() {
        return HexFormat.of().parseHex(ATR_HEX);
    }

    @Override
    public synchronized void powerOn() {
        card.resetSession();
        pendingResponse = new byte[0];
    }

    @Override
    public synchronized void powerOff() {
        card.resetSession();
        pendingResponse = new byte[0];
    }

    @Override
    public synchronized void reset() {
        card.resetSession();
        pendingResponse = new byte[0];
    }

    @Override
    public synchronized byte[] transmit(byte[] command) {
        apduCount++;
        if (pullAt > 0 && apduCount >= pullAt) {
            pullAt = -1;
            log.add(describe(command) + " -> card pulled");
            return null;
        }
        byte[] answer = answer(command);
        log.add(describe(command) + " -> " + HexFormat.of().withUpperCase().formatHex(answer, answer.length - 2,
                answer.length) + (answer.length > 2 ? " (" + (answer.length - 2) + " bytes)" : ""));
        return answer;
    }

    private byte[] answer(byte[] command) {
        Apdu a;
        try {
            a = Apdu.parse(command);
        } catch (IllegalArgumentException e) {
            return Response.status(Sw.WRONG_LENGTH).encoded();
        }
        ChipAuthentication.Session sm = card.secureMessaging;
        if ((a.cla() & 0x0C) == 0x0C && sm != null) {
            Apdu plain;
            try {
                plain = sm.unwrap(a);
            } catch (Sw.Failure f) {
                card.secureMessaging = null;
                return Response.status(f.sw).encoded();
            }
            Response r = execute(plain);
            // a SELECT of the applet in the channel ends it; answer it under the old keys
            return sm.wrap(r);
        }
        if (sm != null) {
            card.secureMessaging = null;
        }
        if (a.ins() == 0xC0 && a.cla() == 0x00) {
            return getResponse(a);
        }
        pendingResponse = new byte[0];
        return chain(a, execute(a));
    }

    private Response execute(Apdu a) {
        if (a.cla() != 0x00 && a.cla() != 0x80) {
            return Response.status(Sw.CLA_NOT_SUPPORTED);
        }
        try {
            if (a.ins() != 0xA4 && !card.appletSelected) {
                return Response.status(Sw.INS_NOT_SUPPORTED);
            }
            return switch (a.ins()) {
                case 0xA4 -> files.select(a);
                case 0xB0, 0xB1 -> files.readBinary(a);
                case 0xD6, 0xD7 -> files.updateBinary(a);
                case 0xE4 -> files.deleteFile(a);
                case 0x58 -> files.enumerate(a);
                case 0x20 -> pins.verify(a);
                case 0x24 -> pins.change(a);
                case 0x2C -> pins.resetRetryCounter(a);
                case 0x50 -> pins.initialize(a);
                case 0x46 -> generation.generate(a);
                case 0x68 -> operations.sign(a);
                case 0x62 -> operations.decipher(a);
                case 0x52 -> backup.importShare(a);
                case 0x72 -> backup.wrap(a);
                case 0x74 -> backup.unwrap(a);
                case 0x22 -> authentication.mse(a);
                case 0x86 -> authentication.generalAuthenticate(a);
                case 0x84 -> challenge(a);
                default -> Response.status(Sw.INS_NOT_SUPPORTED);
            };
        } catch (Sw.Failure f) {
            return Response.status(f.sw);
        } catch (RuntimeException e) {
            return Response.status(Sw.NO_PRECISE_DIAGNOSIS);
        }
    }

    private Response challenge(Apdu a) {
        if (a.ne() == 0 || a.ne() > 1024) {
            throw Sw.fail(Sw.WRONG_LENGTH, "GET CHALLENGE for 1 to 1024 bytes");
        }
        return Response.ok(card.random(a.ne()));
    }

    /** Short APDUs get long answers in parts: 61xx, then GET RESPONSE. */
    private byte[] chain(Apdu a, Response r) {
        byte[] data = r.data();
        if (a.ne() == 0 || data.length <= a.ne() || r.sw() != Sw.OK) {
            return r.encoded();
        }
        pendingResponse = Arrays.copyOfRange(data, a.ne(), data.length);
        int next = Math.min(pendingResponse.length, 256);
        return new Response(Arrays.copyOf(data, a.ne()), 0x6100 | (next & 0xFF)).encoded();
    }

    private byte[] getResponse(Apdu a) {
        if (pendingResponse.length == 0) {
            return Response.status(Sw.CONDITIONS_NOT_SATISFIED).encoded();
        }
        byte[] all = pendingResponse;
        pendingResponse = new byte[0];
        return chain(a, Response.ok(all));
    }

    private static String describe(byte[] command) {
        HexFormat hex = HexFormat.of().withUpperCase();
        String head = hex.formatHex(command, 0, Math.min(4, command.length));
        return command.length > 4 ? head + " (" + (command.length - 4) + " bytes)" : head;
    }

    // --- test hooks ---

    /**
     * The card leaves the reader in the middle of the {@code n}-th command from now (1: the next
     * one): that command gets no answer and the connection closes, as when a card is pulled.
     */
    public synchronized void pullAtApdu(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("n counts from 1");
        }
        pullAt = apduCount + n;
    }

    /** Command APDUs received since the card was made (control messages such as ATR requests not counted). */
    public synchronized int apduCount() {
        return apduCount;
    }

    /** One line per command: header, data length, status word and response length. */
    public synchronized List<String> log() {
        return List.copyOf(log);
    }

    public synchronized void clearLog() {
        log.clear();
    }

    /** The device identity: key, certificates, serial. */
    public DeviceChain deviceChain() {
        return card.device;
    }

    /** The serial number OpenSC shows (the device certificate's holder reference without sequence). */
    public String serial() {
        return card.device.serial();
    }

    public synchronized Set<Integer> keyReferences() {
        return new TreeSet<>(card.keys.keySet());
    }

    public synchronized Optional<PublicKey> publicKey(int keyReference) {
        return Optional.ofNullable(card.keys.get(keyReference)).map(k -> k.pair.getPublic());
    }

    /** Uses left of a key: empty when the key has no use counter (or does not exist). */
    public synchronized Optional<Long> usesLeft(int keyReference) {
        KeyEntry k = card.keys.get(keyReference);
        return k == null || k.usesLeft < 0 ? Optional.empty() : Optional.of(k.usesLeft);
    }

    /** File identifiers of the card's files (2F02, and C4xx, CExx, ... as written). */
    public synchronized Set<Integer> fileIds() {
        return new TreeSet<>(card.files.keySet());
    }

    /** The bytes all files hold together. */
    public synchronized int fileBytes() {
        return card.fileBytes();
    }

    /**
     * Lets the files hold at most {@code total} bytes together, as a device whose memory is nearly
     * full: a write past it answers 6A84 (not enough memory) and changes nothing.
     */
    public synchronized void limitFileBytes(int total) {
        card.fileByteLimit = total;
    }

    public synchronized Optional<byte[]> file(int fid) {
        return Optional.ofNullable(card.files.get(fid)).map(byte[]::clone);
    }

    public synchronized int userPinTriesLeft() {
        return card.userTries;
    }

    public synchronized byte[] dkekKcv() {
        return card.dkekKcv();
    }

    /** Builds a simulator in another state than delivery state. */
    public static final class Builder {
        private boolean initialized = true;
        private String userPin = DEFAULT_USER_PIN;
        private String soPin = DEFAULT_SO_PIN;
        private int retries = 3;
        private int dkekShares;
        private int serial;
        private DeviceChain chain;
        private SecureRandom random = new SecureRandom();

        private Builder() {
        }

        /** Never initialised: VERIFY answers 6984 until INITIALIZE DEVICE; the SO-PIN is the default. */
        public Builder uninitialized() {
            initialized = false;
            return this;
        }

        public Builder userPin(String pin) {
            if (pin.length() < 6 || pin.length() > 16) {
                throw new IllegalArgumentException("a user PIN has 6 to 16 characters");
            }
            userPin = pin;
            return this;
        }

        /** The SO-PIN as 16 hex digits. */
        public Builder soPin(String hex) {
            if (hex.length() != 16) {
                throw new IllegalArgumentException("an SO-PIN has 16 hex digits");
            }
            soPin = hex;
            return this;
        }

        public Builder retryCounter(int tries) {
            retries = tries;
            return this;
        }

        /** Initialised for this many DKEK shares (none imported yet). */
        public Builder dkekShares(int shares) {
            dkekShares = shares;
            return this;
        }

        public Builder serial(int serialNumber) {
            serial = serialNumber;
            return this;
        }

        public Builder deviceChain(DeviceChain deviceChain) {
            chain = deviceChain;
            return this;
        }

        public Builder random(SecureRandom r) {
            random = r;
            return this;
        }

        public SmartCardHsmSimulator build() {
            return new SmartCardHsmSimulator(this);
        }
    }
}
