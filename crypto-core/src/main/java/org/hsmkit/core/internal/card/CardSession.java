package org.hsmkit.core.internal.card;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.OptionalInt;
import java.util.function.Supplier;

import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.PinException;
import org.hsmkit.core.PinSource;
import org.hsmkit.core.internal.pkcs11.PinPolicy;

/**
 * The connection to one SmartCard-HSM and what the host knows of its state: the applet selected,
 * whether the user PIN was verified. Every operation runs through {@link #run}, one PC/SC
 * transaction; a new connection (after pcscd restarted, or the card was reset) selects the
 * applet again and forgets the login, so the next {@link #login()} asks the PIN source again.
 *
 * <p>PIN policy as for PKCS#11 tokens, with the numbers the card gives: the state is read
 * without spending a try (VERIFY without data); a locked PIN is not tried; the final try is
 * used only when allowed.
 */
final class CardSession implements AutoCloseable {
    private final PcscTransport transport;
    private final ScHsmApplet applet;
    private final PinSource pins;
    private final boolean allowFinalTry;
    private ScHsmApplet.AppletInfo info;
    private boolean loggedIn;
    private String name;

    CardSession(PcscTransport transport, ScHsmApplet.AppletInfo info, PinSource pins, boolean allowFinalTry) {
        this.transport = transport;
        this.applet = new ScHsmApplet(transport);
        this.pins = pins;
        this.allowFinalTry = allowFinalTry;
        this.info = info;
        this.name = "the SmartCard-HSM in '" + transport.readerName() + "'";
        transport.listener(t -> {
            loggedIn = false;
            this.info = applet.select().orElseThrow(() -> HsmkitException.key(
                    "the card in reader '" + t.readerName() + "' is no longer a SmartCard-HSM",
                    "insert the SmartCard-HSM and run again"));
        });
    }

    ScHsmApplet applet() {
        return applet;
    }

    ScHsmApplet.AppletInfo appletInfo() {
        return info;
    }

    String readerName() {
        return transport.readerName();
    }

    /** How messages name the device ("the SmartCard-HSM DENK0404144 in 'reader'"). */
    String name() {
        return name;
    }

    void serial(String serial) {
        this.name = "the SmartCard-HSM " + serial + " in '" + transport.readerName() + "'";
    }

    long commandCount() {
        return transport.commandCount();
    }

    /**
     * Runs {@code operation} in one transaction. When the card asks for the PIN although this
     * session had logged in (another program reset the card or logged out), the operation runs
     * once more after a new login: the command it failed on was the first that needed the PIN,
     * so nothing had been changed.
     */
    <T> T run(String what, Supplier<T> operation) {
        return transport.exclusive(what, () -> {
            boolean wasLoggedIn = loggedIn;
            try {
                return operation.get();
            } catch (ScHsmApplet.LoginRequired e) {
                if (!wasLoggedIn) {
                    throw e;
                }
                loggedIn = false;
                return operation.get();
            }
        });
    }

    void run(String what, Runnable operation) {
        transport.exclusive(what, () -> {
            operation.run();
            return null;
        });
    }

    /** Forgets the login (after an operation the card refused for want of one, or a re-selection). */
    void forgetLogin() {
        loggedIn = false;
    }

    boolean loggedIn() {
        return loggedIn;
    }

    /** The user PIN state in words and the tries left, spending no try. */
    record PinState(String words, OptionalInt triesLeft, boolean verified, boolean initialized) {
    }

    PinState pinState(int reference) {
        Apdu.Response r = applet.pinStatus(reference);
        return switch (r.sw()) {
            case 0x9000 -> new PinState("verified", OptionalInt.empty(), true, true);
            case 0x6983 -> new PinState("locked", OptionalInt.of(0), false, true);
            case 0x6984 -> new PinState("transport PIN (to be changed)", OptionalInt.empty(), false, true);
            case 0x6A88 -> new PinState("not initialised", OptionalInt.empty(), false, false);
            default -> {
                int left = r.triesLeft();
                if (left < 0) {
                    throw ScHsmApplet.failure(r, "reporting the PIN state");
                }
                String words = left == 1 ? "final try" : left == 2 ? "count low" : "ok";
                yield new PinState(words, OptionalInt.of(left), false, true);
            }
        };
    }

    /** Logs in with the user PIN unless done in this connection. Call inside {@link #run}. */
    void login() {
        if (loggedIn) {
            return;
        }
        PinState state = pinState(ScHsmApplet.PIN_USER);
        if (state.verified()) {
            loggedIn = true;
            return;
        }
        withCurrentPin(state, false, pin -> applet.verify(ScHsmApplet.PIN_USER, pin));
        loggedIn = true;
    }

    /**
     * Changes the user PIN (CHANGE REFERENCE DATA: the current PIN, then the new one). The current
     * PIN is asked and checked as for a login. Call inside {@link #run}.
     */
    void changePin(PinSource replacement) {
        withCurrentPin(pinState(ScHsmApplet.PIN_USER), true, pin -> {
            char[] chars = replacement.pin("new PIN for " + name, true);
            byte[] next = utf8(chars);
            byte[] data = ScHsmApplet.concat(pin, next);
            try {
                ScHsmApplet.requirePinLength(next); // before the command: a refused new PIN spends no try
                return applet.changePin(ScHsmApplet.PIN_USER, data);
            } finally {
                Arrays.fill(chars, '\0');
                Arrays.fill(next, (byte) 0);
                Arrays.fill(data, (byte) 0);
            }
        });
        loggedIn = false; // the card ends the verification with the change
    }

    /**
     * Sets a new user PIN with the SO-PIN (RESET RETRY COUNTER), which also unblocks a locked PIN.
     * Call inside {@link #run}.
     */
    void unblockPin(byte[] soPin, char[] replacement) {
        byte[] next = utf8(replacement);
        byte[] data = ScHsmApplet.concat(soPin, next);
        try {
            ScHsmApplet.requirePinLength(next);
            Apdu.Response r = withSoPin(() -> applet.resetRetryCounter(ScHsmApplet.PIN_USER, data));
            if (r.sw() == 0x6985 || r.sw() == 0x6986) {
                throw HsmkitException.key(name + " does not allow setting a new PIN with the SO-PIN (an option of its initialisation)",
                        "initialise it again with hsmkit card init, which allows it (this wipes the device)");
            }
            ScHsmApplet.check(r, "setting the new PIN");
            loggedIn = false;
        } finally {
            Arrays.fill(next, (byte) 0);
            Arrays.fill(data, (byte) 0);
        }
    }

    /** Changes the SO-PIN (CHANGE REFERENCE DATA with the old and the new 8 bytes). Call inside {@link #run}. */
    void changeSoPin(byte[] soPin, byte[] replacement) {
        byte[] data = ScHsmApplet.concat(soPin, replacement);
        try {
            ScHsmApplet.check(withSoPin(() -> applet.changePin(ScHsmApplet.PIN_SO, data)), "changing the SO-PIN");
        } finally {
            Arrays.fill(data, (byte) 0);
        }
    }

    /**
     * Runs a command that carries the SO-PIN, after checking that the SO-PIN is neither locked nor
     * at a final try the caller did not allow; reports a wrong one with the tries left, and returns
     * any other answer.
     */
    private Apdu.Response withSoPin(Supplier<Apdu.Response> command) {
        PinState so;
        try {
            so = pinState(ScHsmApplet.PIN_SO);
        } catch (HsmkitException unknown) {
            so = new PinState("unknown", OptionalInt.empty(), false, true);
        }
        if (so.triesLeft().orElse(-1) == 0 || so.words().equals("locked")) {
            throw PinPolicy.soLocked(name);
        }
        if (so.triesLeft().orElse(-1) == 1 && !allowFinalTry) {
            throw PinPolicy.soFinalTryRefused(name);
        }
        Apdu.Response r = command.get();
        if (r.triesLeft() >= 0 || r.sw() == 0x6983) {
            int n = Math.max(r.triesLeft(), 0);
            throw new PinException("wrong SO-PIN for " + name + "; " + (n == 0 ? "the SO-PIN is now locked" : n + " tries are left"),
                    "check the SO-PIN (16 hex digits)", n);
        }
        return r;
    }

    /**
     * Asks the PIN source for the current user PIN and runs {@code command} with it (VERIFY, or a
     * PIN change, which checks it the same way): a locked PIN is not asked for, the final try is
     * used only when allowed, and a wrong PIN is reported with the tries the card says are left.
     */
    private void withCurrentPin(PinState state, boolean changing, java.util.function.Function<byte[], Apdu.Response> command) {
        if (!state.initialized()) {
            throw new PinException("the user PIN of " + name + " is not initialised",
                    "initialise the device first: hsmkit card init (this wipes it)", null);
        }
        if (state.words().equals("locked")) {
            throw PinPolicy.locked(name);
        }
        if (state.words().startsWith("transport") && !changing) {
            throw new PinException("the user PIN of " + name + " is a transport PIN that must be changed first",
                    "change it: hsmkit token change-pin", null);
        }
        int left = state.triesLeft().orElse(-1);
        if (left == 1 && !allowFinalTry) {
            throw PinPolicy.finalTryRefused(name);
        }
        String note = left == 1 ? " (final try!)" : left > 0 ? " (" + left + " tries left)" : "";
        char[] pin = pins.pin("PIN for " + name + note, false);
        byte[] bytes = utf8(pin);
        Apdu.Response r;
        try {
            r = command.apply(bytes);
        } finally {
            Arrays.fill(pin, '\0');
            Arrays.fill(bytes, (byte) 0);
        }
        if (r.ok()) {
            return;
        }
        int after = r.triesLeft();
        if (after >= 0 || r.sw() == 0x6983) {
            int n = Math.max(after, 0);
            String tries = n == 0 ? "the PIN is now locked" : n == 1 ? "one try is left before the PIN locks" : n + " tries are left";
            String hint = n == 0 ? PinPolicy.LOCKED_HINT
                    : n == 1 ? "make sure of the PIN; hsmkit will not use the final try without --allow-final-pin-try"
                            : "check the PIN (file or variable) and try again";
            throw new PinException("wrong PIN for " + name + "; " + tries, hint, n);
        }
        throw ScHsmApplet.failure(r, "the PIN");
    }

    static byte[] utf8(char[] chars) {
        ByteBuffer b = StandardCharsets.UTF_8.encode(CharBuffer.wrap(chars));
        byte[] out = Arrays.copyOf(b.array(), b.limit());
        Arrays.fill(b.array(), (byte) 0);
        return out;
    }

    @Override
    public void close() {
        transport.close();
    }
}
