package org.hsmkit.core.internal.pkcs11;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.hsmkit.core.ErrorKind;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.TokenKey;

/**
 * Which private key a user means: a plain label, or a PKCS#11 URI with {@code object}, {@code id}
 * and {@code type}. The same rules apply on every token, so {@code --key} means the same thing on
 * the software token and on an HSM.
 */
public final class KeySelector {
    private final String reference;
    private final Optional<String> label;
    private final Optional<byte[]> id;
    private final Optional<Pkcs11Uri> uri;

    private KeySelector(String reference, Optional<String> label, Optional<byte[]> id, Optional<Pkcs11Uri> uri) {
        this.reference = reference;
        this.label = label;
        this.id = id;
        this.uri = uri;
    }

    /**
     * Parses a key reference.
     *
     * @throws HsmkitException USAGE for an empty reference, a bad URI, or a URI type that is not a key
     */
    public static KeySelector parse(String reference) {
        if (reference == null || reference.isBlank()) {
            throw new HsmkitException(ErrorKind.USAGE, "no key given",
                    "name the key by its label or by a PKCS#11 URI such as pkcs11:id=%01 (see: hsmkit key list)");
        }
        if (!Pkcs11Uri.isUri(reference)) {
            return new KeySelector(reference, Optional.of(reference), Optional.empty(), Optional.empty());
        }
        Pkcs11Uri uri = Pkcs11Uri.parse(reference);
        if (uri.type().isPresent() && !List.of("private", "public", "cert").contains(uri.type().get())) {
            throw new HsmkitException(ErrorKind.USAGE, "the URI '" + reference + "' selects type=" + uri.type().get()
                    + ", which is not a key pair", "use type=private (or leave type out)");
        }
        if (uri.object().isEmpty() && uri.id().isEmpty()) {
            throw new HsmkitException(ErrorKind.USAGE, "the URI '" + reference + "' names no key",
                    "add object=LABEL or id=%XX to the URI (see: hsmkit key list)");
        }
        return new KeySelector(reference, uri.object(), uri.id(), Optional.of(uri));
    }

    /** The URI, when the reference is one (its token attributes must fit the open token). */
    public Optional<Pkcs11Uri> uri() {
        return uri;
    }

    public boolean matches(String keyLabel, byte[] keyId) {
        return (label.isEmpty() || label.get().equals(keyLabel))
                && (id.isEmpty() || Arrays.equals(id.get(), keyId));
    }

    /**
     * Picks exactly one key.
     *
     * @param tokenName names the token in error messages
     * @throws HsmkitException KEY when none or several match, listing what is there
     */
    public <K extends TokenKey> K pick(List<K> keys, String tokenName) {
        List<K> found = keys.stream().filter(k -> matches(k.label(), k.id())).toList();
        if (found.size() == 1) {
            return found.get(0);
        }
        Function<TokenKey, String> show = k -> "'" + k.label() + "' (id " + HexFormat.of().formatHex(k.id()) + ")";
        if (found.isEmpty()) {
            String there = keys.isEmpty() ? "it holds no private keys"
                    : "it holds " + keys.stream().map(show).collect(Collectors.joining(", "));
            throw HsmkitException.key("no key '" + reference + "' on " + tokenName + "; " + there,
                    "list the keys with: hsmkit key list");
        }
        throw HsmkitException.key("'" + reference + "' matches " + found.size() + " keys on " + tokenName + ": "
                + found.stream().map(show).collect(Collectors.joining(", ")),
                "select one by id, e.g. pkcs11:id=" + Pkcs11Uri.encodeId(found.get(0).id()));
    }

    @Override
    public String toString() {
        return reference;
    }
}
