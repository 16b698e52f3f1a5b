package org.hsmkit.core;

import java.nio.file.Path;
import java.util.List;

import org.hsmkit.core.internal.pkcs11.Pkcs11Tokens;
import org.hsmkit.core.internal.soft.SoftToken;

/**
 * Which token to use, as the user wrote it: {@code soft} (the software token in the user's data
 * directory, created on first use), {@code soft:PATH.p12}, or a PKCS#11 URI (RFC 7512) such as
 * {@code pkcs11:token=SmartCard-HSM} or {@code pkcs11:serial=DENK0100000;slot-id=0}.
 */
public final class TokenSpec {
    private final String text;

    private TokenSpec(String text) {
        this.text = text;
    }

    /** Parses a token selector; {@code null} or blank means the default software token. */
    public static TokenSpec parse(String text) {
        String t = text == null || text.isBlank() ? "soft" : text.trim();
        if (!t.equals("soft") && !t.startsWith("soft:") && !t.regionMatches(true, 0, "pkcs11:", 0, 7)) {
            throw new HsmkitException(ErrorKind.USAGE, "unknown token '" + t + "'",
                    "use 'soft', 'soft:PATH.p12' or a PKCS#11 URI such as pkcs11:token=SmartCard-HSM");
        }
        return new TokenSpec(t);
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
        return isSoft() ? SoftToken.open(softPath(), options) : Pkcs11Tokens.open(text, options);
    }

    /** Describes every token this selector could mean (all slots with tokens of the module). */
    public List<TokenInfo> list(TokenOptions options) {
        return isSoft() ? List.of(SoftToken.describe(softPath())) : Pkcs11Tokens.list(text, options);
    }

    @Override
    public String toString() {
        return text;
    }
}
