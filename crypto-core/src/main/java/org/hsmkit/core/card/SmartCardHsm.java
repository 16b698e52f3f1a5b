package org.hsmkit.core.card;

import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

import org.hsmkit.core.KeyType;
import org.hsmkit.core.Token;
import org.hsmkit.core.TokenKey;
import org.hsmkit.core.TokenOptions;
import org.hsmkit.core.internal.card.CardToken;
import org.hsmkit.core.internal.card.CardReaders;

/**
 * A SmartCard-HSM (or Nitrokey HSM 2) driven directly over PC/SC, without OpenSC: a {@link Token}
 * whose keys sign, decrypt and do ECDH like any other, plus what only this device offers — key
 * backup and restore under a Device Key Encryption Key made from shares, device authenticity,
 * key use counters and key attestation.
 *
 * <p>Keys, certificates and data objects are stored the way OpenSC stores them on this device, so
 * keys made here show up in OpenSC's PKCS#11 module and the other way round. Every operation runs
 * in one PC/SC transaction; after pcscd restarted or the card was reset, the next operation
 * connects again (and logs in again with the PIN source). Not safe for use from several threads.
 */
public interface SmartCardHsm extends Token {

    /**
     * Opens the first SmartCard-HSM in a reader whose name contains {@code readerPart} (any
     * reader when it is empty).
     *
     * @throws org.hsmkit.core.HsmkitException KEY when no reader matches (the message lists the
     *         readers), no reader holds a SmartCard-HSM, or pcscd cannot be reached
     */
    static SmartCardHsm open(String readerPart, TokenOptions options) {
        return CardToken.open(readerPart, options);
    }

    /** The PC/SC readers with what is in them, for listings; no login. */
    static List<CardReader> readers() {
        return CardReaders.list();
    }

    /** What the device says about itself; no login. */
    CardInfo cardInfo();

    /**
     * Initialises the device: sets the SO-PIN and the user PIN and the number of DKEK shares.
     * This deletes every key, certificate and data object on it.
     */
    void initialize(CardInitialization init);

    /**
     * The state of the DKEK.
     *
     * @throws org.hsmkit.core.HsmkitException KEY when the device was initialised without DKEK shares
     */
    DkekStatus dkekStatus();

    /** Imports one DKEK share; returns the state after it. */
    DkekStatus importDkekShare(DkekShare share);

    /** Generates a key pair; {@code useCounter} above 0 limits how often the private key can be used. */
    TokenKey generateKey(KeyType type, String label, byte[] id, long useCounter);

    /** The key's attestation, while the device still keeps the request it made for the key. */
    Optional<KeyAttestation> attestation(TokenKey key);

    /** Wraps the key under the DKEK, with its description and certificate, in sc-hsm-tool's format. */
    WrappedKey backup(TokenKey key);

    /**
     * Restores a backup into a free key slot, with its description and certificate.
     *
     * @throws org.hsmkit.core.HsmkitException KEY when the backup was made under another DKEK
     *         (both key check values are named) or a key with its id exists
     */
    TokenKey restore(WrappedKey backup);

    /** The device certificate chain (EF.C_DevAut). */
    byte[] deviceCertificates();

    /**
     * Checks that the device is genuine: its certificate chain up to {@code root}, and live that
     * it holds the private key of its device certificate.
     */
    DeviceReport verifyDevice(CvCertificate root, LocalDate day);

    /** Commands sent to the card so far (for measurements). */
    long commandCount();
}
