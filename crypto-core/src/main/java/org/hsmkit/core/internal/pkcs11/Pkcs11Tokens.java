package org.hsmkit.core.internal.pkcs11;

import java.util.List;

import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.Token;
import org.hsmkit.core.TokenInfo;
import org.hsmkit.core.TokenOptions;

/** Opens PKCS#11 tokens by RFC 7512 URI. (Being built: see the token layer issue.) */
public final class Pkcs11Tokens {
    private Pkcs11Tokens() {
    }

    public static Token open(String uri, TokenOptions options) {
        throw HsmkitException.key("PKCS#11 tokens are not available in this build", null);
    }

    public static List<TokenInfo> list(String uri, TokenOptions options) {
        throw HsmkitException.key("PKCS#11 tokens are not available in this build", null);
    }
}
