package org.hsmkit.core;

import java.nio.file.Path;
import java.util.List;

import org.hsmkit.core.card.SmartCardHsm;
import org.hsmkit.core.internal.pkcs11.Pkcs11Tokens;
import org.hsmkit.core.internal.soft.SoftToken;

/**
 * Which token to use, as the user wrote it: {@code soft} (the software token in the user's data
 * directory, created on first use), {@code soft:PATH.p12}, a PKCS#11 URI (RFC 7512) such as
 * {@code pkcs11:token=SmartCard-HSM} or {@code pkcs11:serial=DENK0100000;slot-id=0}, or
 * {@code card:} / {@code card:READER} for a SmartCard-HSM driven directly over PC/SC (the first
 * one, or the first in a reader whose name contains READER).
 */
public final class TokenSpec {
    private final String text;

    private TokenSpec(String text) {
        this.text = text;
    }

    /** Parses a token selector; {@code null} or blank means the default software token. */
    public static TokenSpec parse(String text) {
        String t = text == null || text.isBlank() ? "soft" : text.trim();
        if (!t.equals("soft") && !t.startsWith("soft:") && !t.regionMatches(true, 0, "pkcs11:", 0, 7)
                && !t.equals("card") && !t.startsWith("card:")) {
            throw new HsmkitException(ErrorKind.USAGE, "unknown token '" + t + "'",
                    "use 'soft', 'soft:PATH.p12', a PKCS#11 URI such as pkcs11:token=SmartCard-HSM, or card: for a SmartCard-HSM");
        }
        return new TokenSpec(t);
    }

    /** Whether this selects a SmartCard-HSM over PC/SC ({@code card:} or {@code card:READER}). */
    public boolean isCard() {
        return text.equals("card") || text.startsWith("card:");
    }

    /** The reader name part of {@code card:READER}, empty for any reader. */
    public String cardReader() {
        if (!isCard()) {
            throw new IllegalStateException("not a card selector: " + text);
        }
        return text.equals("card") ? "" : text.substring(5);
    }

    public boolean isSoft() {
        return text.startsWith("soft");
    }

    /** The key store file of a soft token: the given path or the default one. */
    public Path softPath() {
        if (!isSoft()) {
            throw new IllegalStateException("not a soft token: " + text);
        }
        return text.equals("soft") ? SoftToken.defaultPath() : Path.of(text.substring(5));
    }

    /**
     * Where {@code soft} keeps its key store for a program run with the environment {@code env}:
     * {@code $XDG_DATA_HOME/hsmkit/soft-token.p12}, else {@code $HOME/.local/share/hsmkit/soft-token.p12}.
     */
    public static Path defaultSoftPath(java.util.Map<String, String> env) {
        return SoftToken.defaultPath(env);
    }

    /** Opens the token; for PKCS#11 loads the module and finds exactly one matching token. */
    public Token open(TokenOptions options) {
        if (isCard()) {
            return SmartCardHsm.open(cardReader(), options);
        }
        return isSoft() ? SoftToken.open(softPath(), options) : Pkcs11Tokens.open(text, options);
    }

    /**
     * Describes every token this selector could mean (all slots with tokens of the module; for
     * {@code card:} every reader whose name fits, with a SmartCard-HSM in it or not).
     */
    public List<TokenInfo> list(TokenOptions options) {
        if (isCard()) {
            String part = cardReader().toLowerCase(java.util.Locale.ROOT);
            return SmartCardHsm.readers().stream().filter(r -> r.name().toLowerCase(java.util.Locale.ROOT).contains(part))
                    .map(r -> describeCard(r, options)).toList();
        }
        return isSoft() ? List.of(SoftToken.describe(softPath())) : Pkcs11Tokens.list(text, options);
    }

    // Two devices of a key ceremony carry the same label; only the serial and PIN state, read
    // without a login as for 'token info', tell them apart.
    private static TokenInfo describeCard(org.hsmkit.core.card.CardReader r, TokenOptions options) {
        if (r.smartCardHsm().isPresent()) {
            try (Token t = SmartCardHsm.open(r.name(), options)) {
                return t.info();
            } catch (HsmkitException e) {
                // busy or taken out meanwhile: what the reader listing saw is still worth showing
            }
        }
        return new TokenInfo("card", r.name(), -1, r.smartCardHsm().isPresent() ? "SmartCard-HSM" : "",
                r.smartCardHsm().isPresent() ? "www.CardContact.de" : "",
                r.smartCardHsm().map(v -> "SmartCard-HSM " + v).orElse(r.cardPresent() ? "other card" : "no card"),
                "", List.of(), "", java.util.OptionalInt.empty(), "card:" + r.name());
    }

    @Override
    public String toString() {
        return text;
    }
}
