package org.hsmkit.core.internal.soft;

import java.nio.file.Path;

import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.Token;
import org.hsmkit.core.TokenInfo;
import org.hsmkit.core.TokenOptions;

/** The software token: a PKCS#12 key store. (Being built: see the token layer issue.) */
public final class SoftToken {
    private SoftToken() {
    }

    public static Path defaultPath() {
        String xdg = System.getenv("XDG_DATA_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".local", "share");
        return base.resolve("hsmkit").resolve("soft-token.p12");
    }

    public static Token open(Path file, TokenOptions options) {
        throw HsmkitException.key("the software token is not available in this build", null);
    }

    public static TokenInfo describe(Path file) {
        throw HsmkitException.key("the software token is not available in this build", null);
    }
}
