package org.hsmkit.core;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * An open token: a PKCS#11 token in a slot, or the software key store. Obtained from
 * {@link TokenSpec#open(TokenOptions)}; close it when done. Logs in lazily, once, the first time
 * a private key is needed, using the {@link PinSource} given at opening.
 *
 * <p>PKCS#11 tokens and the soft token may be used from many threads at once (their keys too, see
 * {@link TokenKey}); the login happens once whichever thread needs it first.
 */
public interface Token extends AutoCloseable {

    /** Label, serial, model, flags and PIN state. Does not log in. */
    TokenInfo info();

    /** Every private key, including keys without a certificate. */
    List<TokenKey> keys();

    /**
     * Finds one private key by a plain label or a PKCS#11 URI ({@code object}, {@code id},
     * {@code type} attributes).
     *
     * @throws HsmkitException of kind KEY when none or several match, listing what is there
     */
    TokenKey key(String reference);

    /** Every certificate on the token, with or without a private key. */
    List<X509Certificate> certificates();

    /**
     * Generates a key pair on the token.
     *
     * @param id the CKA_ID to store, or {@code null} to derive one from the public key
     * @throws HsmkitException of kind KEY when the id is taken or the token lacks the mechanism
     */
    TokenKey generateKey(KeyType type, String label, byte[] id);

    /**
     * Stores a certificate with the key's id and label after checking that its public key is the
     * key's. Replaces a certificate stored before for that key.
     */
    TokenKey storeCertificate(TokenKey key, X509Certificate certificate);

    /**
     * Stores {@code certificate} with the key as {@link #storeCertificate(TokenKey, X509Certificate)}
     * does, and {@code issuers} (the CA certificates above it) beside it as certificates without a
     * key, where the token can hold those; one it holds already is not stored again. The returned
     * key's {@link TokenKey#certificateChain()} shows which issuers it now carries: signatures
     * include them. The default stores the key's certificate only.
     */
    default TokenKey storeCertificate(TokenKey key, X509Certificate certificate, List<X509Certificate> issuers) {
        return storeCertificate(key, certificate);
    }

    /** Imports an existing private key with its certificate chain (first: the key's certificate). */
    TokenKey importKey(PrivateKey privateKey, List<X509Certificate> chain, String label, byte[] id);

    /** Deletes the private key, its public key and its certificate. */
    void deleteKey(TokenKey key);

    /**
     * The data objects on the token. Lists public objects without a login; private ones after one
     * (a login happens if the token has private objects and the PIN source allows it).
     *
     * @throws HsmkitException of kind KEY when the token cannot hold data objects
     */
    default List<DataObject> dataObjects() {
        throw noDataObjects();
    }

    /**
     * Stores a data object under {@code label}.
     *
     * @param application written as CKA_APPLICATION; may be empty
     * @param privateObject whether reading it needs a login (the default a caller should choose)
     * @throws HsmkitException of kind KEY when an object with that label exists (delete it first)
     *         or the token is full or cannot hold data objects
     */
    default DataObject writeData(String label, String application, byte[] value, boolean privateObject) {
        throw noDataObjects();
    }

    /**
     * The value of the data object labelled {@code label}; a copy the caller should clear.
     *
     * @throws HsmkitException of kind KEY when none or several have that label
     */
    default byte[] readData(String label) {
        throw noDataObjects();
    }

    /** Deletes the data object labelled {@code label}; KEY error when there is none. */
    default void deleteData(String label) {
        throw noDataObjects();
    }

    private HsmkitException noDataObjects() {
        return HsmkitException.key(this + " cannot hold data objects", "use a PKCS#11 token, the SmartCard-HSM or the soft token");
    }

    /**
     * Changes the user PIN. The current PIN comes from the token's {@link PinSource}, under the
     * rules of a login (a locked PIN is not tried, nor one at its final try unless allowed), and
     * then the new one from {@code replacement}, asked to confirm: a person is asked in the order
     * passwd asks. The soft token changes its passphrase.
     *
     * @throws PinException when the current PIN is wrong, locked or at its final try
     * @throws HsmkitException USAGE when the token refuses the new PIN (length, characters); KEY
     *     when this token cannot change its PIN
     */
    default void changePin(PinSource replacement) {
        throw HsmkitException.key(this + " cannot change its PIN", "use the token's own tools");
    }

    /**
     * Sets a new user PIN with the security officer's PIN, which also unblocks a locked one (its
     * retry counter starts again). The caller clears both arrays.
     *
     * @throws PinException when the SO-PIN is wrong or locked
     * @throws HsmkitException USAGE when the token refuses the new PIN; KEY when this token has no
     *     SO-PIN
     */
    default void unblockPin(char[] soPin, char[] replacement) {
        throw HsmkitException.key(this + " has no SO-PIN to unblock a PIN with", "use the token's own tools");
    }

    /**
     * Changes the security officer's PIN from {@code soPin} to {@code replacement} (on a
     * SmartCard-HSM: 16 hexadecimal characters each). The caller clears both arrays.
     *
     * @throws PinException when {@code soPin} is wrong or locked
     * @throws HsmkitException USAGE when the token refuses the new SO-PIN; KEY when this token has
     *     no SO-PIN
     */
    default void changeSoPin(char[] soPin, char[] replacement) {
        throw HsmkitException.key(this + " has no SO-PIN", "use the token's own tools");
    }

    /** Fills {@code out} from the token's random number generator. */
    void randomBytes(byte[] out);

    @Override
    void close();
}
