package org.hsmkit.core.internal.pkcs11;

import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKF_LOGIN_REQUIRED;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKF_PROTECTED_AUTHENTICATION_PATH;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKF_RNG;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKF_SO_PIN_COUNT_LOW;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKF_SO_PIN_FINAL_TRY;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKF_SO_PIN_LOCKED;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKF_SO_PIN_TO_BE_CHANGED;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKF_TOKEN_INITIALIZED;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKF_USER_PIN_COUNT_LOW;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKF_USER_PIN_FINAL_TRY;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKF_USER_PIN_INITIALIZED;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKF_USER_PIN_LOCKED;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKF_USER_PIN_TO_BE_CHANGED;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKF_WRITE_PROTECTED;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.hsmkit.core.ErrorKind;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.PinSource;
import org.hsmkit.core.Token;
import org.hsmkit.core.TokenInfo;
import org.hsmkit.core.TokenOptions;
import org.xipki.pkcs11.wrapper.PKCS11Exception;
import org.xipki.pkcs11.wrapper.Slot;

/**
 * Opens and lists PKCS#11 tokens selected by an RFC 7512 URI ({@code pkcs11:token=...;serial=...}).
 * The module comes from {@link Pkcs11ModuleLocator}; the PIN from the URI's {@code pin-source}
 * file when given, else from the options' {@link PinSource}.
 */
public final class Pkcs11Tokens {
    private static final Map<Long, String> FLAG_NAMES = new LinkedHashMap<>();

    static {
        FLAG_NAMES.put(CKF_RNG, "RNG");
        FLAG_NAMES.put(CKF_WRITE_PROTECTED, "WRITE_PROTECTED");
        FLAG_NAMES.put(CKF_LOGIN_REQUIRED, "LOGIN_REQUIRED");
        FLAG_NAMES.put(CKF_USER_PIN_INITIALIZED, "USER_PIN_INITIALIZED");
        FLAG_NAMES.put(CKF_PROTECTED_AUTHENTICATION_PATH, "PROTECTED_AUTHENTICATION_PATH");
        FLAG_NAMES.put(CKF_TOKEN_INITIALIZED, "TOKEN_INITIALIZED");
        FLAG_NAMES.put(CKF_USER_PIN_COUNT_LOW, "USER_PIN_COUNT_LOW");
        FLAG_NAMES.put(CKF_USER_PIN_FINAL_TRY, "USER_PIN_FINAL_TRY");
        FLAG_NAMES.put(CKF_USER_PIN_LOCKED, "USER_PIN_LOCKED");
        FLAG_NAMES.put(CKF_USER_PIN_TO_BE_CHANGED, "USER_PIN_TO_BE_CHANGED");
        FLAG_NAMES.put(CKF_SO_PIN_COUNT_LOW, "SO_PIN_COUNT_LOW");
        FLAG_NAMES.put(CKF_SO_PIN_FINAL_TRY, "SO_PIN_FINAL_TRY");
        FLAG_NAMES.put(CKF_SO_PIN_LOCKED, "SO_PIN_LOCKED");
        FLAG_NAMES.put(CKF_SO_PIN_TO_BE_CHANGED, "SO_PIN_TO_BE_CHANGED");
    }

    private Pkcs11Tokens() {
    }

    /**
     * Opens the one initialised token the URI selects. When none matches, the module is
     * initialised again once (a token inserted or created since becomes visible) before giving up.
     *
     * @throws HsmkitException USAGE for a bad URI; KEY when no module, no token or several tokens match
     */
    public static Token open(String uriText, TokenOptions options) {
        Pkcs11Uri uri = Pkcs11Uri.parse(uriText);
        Pkcs11Library library = Pkcs11Library.load(Pkcs11ModuleLocator.locate(options.module(), uri.modulePath()));
        PinSource pins = uri.pinFile().map(PinSource::fromFile).orElse(options.pins());
        List<Slot> found = matching(library, uri, true);
        if (found.isEmpty()) {
            library.reinitialize();
            found = matching(library, uri, true);
        }
        if (found.isEmpty()) {
            throw HsmkitException.key("no token matches " + uriText + " in " + library.path() + "; " + present(library),
                    "see the tokens with: hsmkit -t pkcs11: token list");
        }
        if (found.size() > 1) {
            throw HsmkitException.key(uriText + " matches " + found.size() + " tokens: "
                    + found.stream().map(Pkcs11Tokens::shortName).collect(Collectors.joining(", ")),
                    choosing(uriText, found));
        }
        return new Pkcs11Token(library, found.get(0), pins, options.allowFinalPinTry());
    }

    /**
     * Describes every token (initialised or not) that the URI's token attributes match, as a new
     * process would see them ({@link Pkcs11Library#loadCurrent}).
     */
    public static List<TokenInfo> list(String uriText, TokenOptions options) {
        Pkcs11Uri uri = Pkcs11Uri.parse(uriText);
        Pkcs11Library library = Pkcs11Library.loadCurrent(Pkcs11ModuleLocator.locate(options.module(), uri.modulePath()));
        List<Slot> found = matching(library, uri, false);
        if (found.isEmpty()) {
            library.reinitialize();
            found = matching(library, uri, false);
        }
        List<TokenInfo> out = new ArrayList<>();
        for (Slot s : found) {
            try {
                out.add(describe(library, s));
            } catch (HsmkitException e) {
                // a token that went away between listing and reading: leave it out
            }
        }
        return out;
    }

    private static List<Slot> matching(Pkcs11Library library, Pkcs11Uri uri, boolean initialisedOnly) {
        List<Slot> out = new ArrayList<>();
        for (Slot s : slots(library)) {
            try {
                org.xipki.pkcs11.wrapper.TokenInfo ti = s.getToken().getTokenInfo();
                if (initialisedOnly && !Pkcs11Token.isInitialised(ti.getFlags())) {
                    continue;
                }
                if (uri.matchesToken(s.getSlotID(), s.getSlotInfo().getSlotDescription(), ti.getLabel(),
                        ti.getManufacturerID(), ti.getModel(), ti.getSerialNumber())) {
                    out.add(s);
                }
            } catch (PKCS11Exception e) {
                // a slot whose token cannot be read (removed, deleted): not a match
            }
        }
        return out;
    }

    private static Slot[] slots(Pkcs11Library library) {
        try {
            return library.module().getSlotList(true);
        } catch (PKCS11Exception e) {
            throw new HsmkitException(ErrorKind.KEY, "cannot list the slots of " + library.path() + ": " + e.getErrorName(),
                    null, e);
        }
    }

    private static String present(Pkcs11Library library) {
        List<String> names = new ArrayList<>();
        for (Slot s : slots(library)) {
            names.add(shortName(s));
        }
        return names.isEmpty() ? "no token is present (is the card inserted?)" : "present: " + String.join(", ", names);
    }

    /**
     * How to name one of several matching tokens: by label when the labels tell them apart (the
     * usual case: a card and SoftHSM2), else by serial number, with the first one as the example.
     */
    private static String choosing(String uriText, List<Slot> found) {
        List<String[]> labelSerial = new java.util.ArrayList<>();
        for (Slot s : found) {
            try {
                org.xipki.pkcs11.wrapper.TokenInfo ti = s.getToken().getTokenInfo();
                labelSerial.add(new String[] {ti.getLabel().strip(), ti.getSerialNumber().strip()});
            } catch (PKCS11Exception e) {
                return "add serial=... or slot-id=... to the URI";
            }
        }
        boolean labelsDiffer = labelSerial.stream().map(l -> l[0]).filter(l -> !l.isEmpty()).distinct().count() == found.size()
                && !uriText.contains("token=");
        String[] first = labelSerial.get(0);
        String base = uriText.endsWith(":") || uriText.endsWith(";") ? uriText : uriText + ";";
        return labelsDiffer
                ? "name one by its label, e.g. -t '" + base + "token=" + Pkcs11Uri.encode(first[0]) + "' (or add serial=... or slot-id=...)"
                : "name one by its serial number, e.g. -t '" + base + "serial=" + Pkcs11Uri.encode(first[1]) + "' (or add slot-id=...)";
    }

    private static String shortName(Slot s) {
        try {
            org.xipki.pkcs11.wrapper.TokenInfo ti = s.getToken().getTokenInfo();
            if (!Pkcs11Token.isInitialised(ti.getFlags())) {
                return "an uninitialised token in slot " + s.getSlotID();
            }
            return "'" + ti.getLabel().strip() + "' (serial " + ti.getSerialNumber().strip() + ", slot " + s.getSlotID() + ")";
        } catch (PKCS11Exception e) {
            return "slot " + s.getSlotID() + " (unreadable: " + e.getErrorName() + ")";
        }
    }

    /** What a token says about itself, without a login. */
    static TokenInfo describe(Pkcs11Library library, Slot slot) {
        try {
            org.xipki.pkcs11.wrapper.TokenInfo ti = slot.getToken().getTokenInfo();
            long flags = ti.getFlags();
            List<String> words = new ArrayList<>();
            FLAG_NAMES.forEach((bit, word) -> {
                if ((flags & bit) != 0) {
                    words.add(word);
                }
            });
            String label = ti.getLabel().strip();
            String manufacturer = ti.getManufacturerID().strip();
            String model = ti.getModel().strip();
            String serial = ti.getSerialNumber().strip();
            return new TokenInfo("pkcs11", library.path().toString(), slot.getSlotID(), label, manufacturer, model, serial,
                    List.copyOf(words), PinPolicy.state(flags), PinPolicy.triesLeft(flags),
                    Pkcs11Uri.forToken(label, manufacturer, model, serial));
        } catch (PKCS11Exception e) {
            throw new HsmkitException(ErrorKind.KEY, "cannot read the token in slot " + slot.getSlotID() + ": "
                    + e.getErrorName(), null, e);
        }
    }

    /** The slot holding the token with this label and serial after the module was initialised again. */
    static Slot findAgain(Pkcs11Library library, String label, String serial, String manufacturer, String model) {
        for (Slot s : slots(library)) {
            try {
                org.xipki.pkcs11.wrapper.TokenInfo ti = s.getToken().getTokenInfo();
                if (ti.getLabel().strip().equals(label) && ti.getSerialNumber().strip().equals(serial)
                        && ti.getManufacturerID().strip().equals(manufacturer) && ti.getModel().strip().equals(model)) {
                    return s;
                }
            } catch (PKCS11Exception e) {
                // not this one
            }
        }
        throw HsmkitException.keyUnusable("the token '" + label + "' (serial " + serial + ") is no longer present in "
                + library.path(), "insert the card again and rerun the command", null);
    }
}
