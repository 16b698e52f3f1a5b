package org.hsmkit.core.internal.card;

import static org.hsmkit.core.internal.card.Pkcs15Files.EE_CERT_PREFIX;
import static org.hsmkit.core.internal.card.Pkcs15Files.KEY_PREFIX;
import static org.hsmkit.core.internal.card.Pkcs15Files.PRKD_PREFIX;

import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

import org.hsmkit.core.DataObject;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.KeyType;
import org.hsmkit.core.TokenInfo;
import org.hsmkit.core.TokenKey;
import org.hsmkit.core.TokenOptions;
import org.hsmkit.core.card.CardInfo;
import org.hsmkit.core.card.CardInitialization;
import org.hsmkit.core.card.CvCertificate;
import org.hsmkit.core.card.DeviceChain;
import org.hsmkit.core.card.DeviceReport;
import org.hsmkit.core.card.DkekShare;
import org.hsmkit.core.card.DkekStatus;
import org.hsmkit.core.card.KeyAttestation;
import org.hsmkit.core.card.SmartCardHsm;
import org.hsmkit.core.card.WrappedKey;
import org.hsmkit.core.internal.pkcs11.KeySelector;
import org.hsmkit.core.internal.pkcs11.Pkcs11Uri;
import org.hsmkit.core.internal.soft.KeyIds;

/**
 * A SmartCard-HSM over PC/SC as a {@link SmartCardHsm}: the token operations, key generation and
 * deletion, certificates and data objects in OpenSC's layout, and the device management of
 * {@link CardManagement} (initialisation, DKEK, backup and restore, device authentication).
 */
public final class CardToken implements SmartCardHsm {
    private final CardSession session;
    private final CardKeyStore store = new CardKeyStore(this);
    private final CardDataObjects data = new CardDataObjects(this);
    private final CardManagement management = new CardManagement(this);
    private byte[] deviceCertificates;
    private String serial = "";
    private String label = "";

    private CardToken(CardSession session) {
        this.session = session;
    }

    /** Opens the first SmartCard-HSM in a reader whose name contains {@code readerPart}. */
    public static SmartCardHsm open(String readerPart, TokenOptions options) {
        CardReaders.Opened o = CardReaders.open(readerPart);
        CardToken t = new CardToken(new CardSession(o.transport(), o.info(), options.pins(), options.allowFinalPinTry()));
        try {
            t.session.run("reading the device identity", t::readIdentity);
        } catch (RuntimeException e) {
            t.close();
            throw e;
        }
        return t;
    }

    private void readIdentity() {
        deviceCertificates = session.applet().read(Pkcs15Files.DEVICE_CERTIFICATES).orElse(new byte[0]);
        try {
            serial = DeviceChain.serialOf(CvCertificate.parse(deviceCertificates).chr());
        } catch (HsmkitException e) {
            serial = "";
        }
        label = session.applet().read(Pkcs15Files.TOKEN_INFO).flatMap(Pkcs15Files::tokenLabel).orElse("");
        if (!serial.isEmpty()) {
            session.serial(serial);
        }
    }

    CardSession session() {
        return session;
    }

    CardKeyStore store() {
        return store;
    }

    /** How messages name this device. */
    public String name() {
        return session.name();
    }

    void label(String newLabel) {
        this.label = newLabel;
    }

    // --- Token ---

    @Override
    public TokenInfo info() {
        CardSession.PinState pin = session.run("reading the PIN state", () -> session.pinState(ScHsmApplet.PIN_USER));
        List<String> flags = new ArrayList<>(List.of("LOGIN_REQUIRED", "RNG"));
        if (pin.initialized()) {
            flags.add("TOKEN_INITIALIZED");
            flags.add("USER_PIN_INITIALIZED");
        }
        switch (pin.words()) {
            case "locked" -> flags.add("USER_PIN_LOCKED");
            case "final try" -> flags.addAll(List.of("USER_PIN_COUNT_LOW", "USER_PIN_FINAL_TRY"));
            case "count low" -> flags.add("USER_PIN_COUNT_LOW");
            default -> {
            }
        }
        return new TokenInfo("card", session.readerName(), -1, label.isEmpty() ? "SmartCard-HSM" : label,
                "www.CardContact.de", "SmartCard-HSM " + session.appletInfo().version(), serial, flags, pin.words(),
                pin.triesLeft(), "card:" + session.readerName());
    }

    @Override
    public List<TokenKey> keys() {
        return List.copyOf(cardKeys());
    }

    List<CardKey> cardKeys() {
        return session.run("listing the keys", store::keys);
    }

    @Override
    public TokenKey key(String reference) {
        KeySelector selector = KeySelector.parse(reference);
        if (selector.uri().isPresent()) {
            Pkcs11Uri uri = selector.uri().get();
            if (uri.selectsToken() && !uri.matchesToken(-1, "", info().label(), "www.CardContact.de",
                    "SmartCard-HSM " + session.appletInfo().version(), serial)) {
                throw HsmkitException.key("the key URI '" + reference + "' names another token than " + name(),
                        "leave the token attributes out of the key URI");
            }
        }
        return selector.pick(cardKeys(), name());
    }

    @Override
    public List<X509Certificate> certificates() {
        return session.run("listing the certificates", store::certificates);
    }

    @Override
    public TokenKey generateKey(KeyType type, String keyLabel, byte[] id) {
        return generateKey(type, keyLabel, id, 0);
    }

    @Override
    public TokenKey generateKey(KeyType type, String keyLabel, byte[] id, long useCounter) {
        if (keyLabel == null || keyLabel.isBlank()) {
            throw HsmkitException.key("a key needs a label", "give the key a name, e.g. --label mail");
        }
        if (useCounter < 0 || useCounter > 0xFFFFFFFFL) {
            throw HsmkitException.key("the use counter must be 1 to 4294967295, not " + useCounter, null);
        }
        return session.run("generating an " + type + " key pair", () -> {
            session.login();
            List<CardKey> existing = store.keys();
            if (id != null && CardKeyStore.idTaken(existing, id)) {
                throw HsmkitException.key(name() + " already holds a key with id " + java.util.HexFormat.of().formatHex(id),
                        "choose another --id, or delete the old key first");
            }
            List<Integer> fids = session.applet().enumerate();
            int ref = store.freeReference(fids);
            Apdu.Response r = session.applet().generateKeyPair(ref, GakpRequest.of(type, useCounter));
            if (r.sw() == 0x6A81 || r.sw() == 0x6A80) {
                throw HsmkitException.key(name() + " cannot generate " + type + " keys (SW " + r.swHex() + ")",
                        "choose another key type; older devices lack RSA-3072/4096 and some curves");
            }
            ScHsmApplet.check(r, "generating the key");
            try {
                PublicKey publicKey = CardKeyStore.requestKey(r.data());
                if (publicKey == null) {
                    throw HsmkitException.key(name() + " answered the key generation with no readable public key", null);
                }
                byte[] keyId = id != null ? id : CardKeyStore.intrinsicId(publicKey);
                if (id == null && CardKeyStore.idTaken(existing, keyId)) {
                    throw HsmkitException.key("a key with the same public key is already on " + name(), null);
                }
                session.applet().write((EE_CERT_PREFIX << 8) | ref, r.data());
                session.applet().write((PRKD_PREFIX << 8) | ref,
                        new Pkcs15Files.PrivateKey(keyLabel, keyId, type.isRsa(), type.bits(), ref).encode());
                return store.read(ref);
            } catch (RuntimeException e) {
                removeQuietly(ref);
                throw e;
            }
        });
    }

    /** Rolls back a half-made key: every file of the reference goes (absent ones are fine). */
    void removeQuietly(int ref) {
        for (int prefix : new int[] {KEY_PREFIX, PRKD_PREFIX, EE_CERT_PREFIX}) {
            try {
                session.applet().delete((prefix << 8) | ref);
            } catch (RuntimeException ignored) {
                // the original failure is what the caller reports
            }
        }
    }

    @Override
    public TokenKey storeCertificate(TokenKey key, X509Certificate certificate) {
        return storeCertificate(key, certificate, List.of());
    }

    @Override
    public TokenKey storeCertificate(TokenKey key, X509Certificate certificate, List<X509Certificate> issuers) {
        CardKey k = own(key);
        KeyIds.requireMatch(key, certificate);
        byte[] der;
        try {
            der = certificate.getEncoded();
        } catch (CertificateEncodingException e) {
            throw HsmkitException.input("the certificate cannot be encoded: " + e.getMessage(), null, e);
        }
        return session.run("storing the certificate", () -> {
            session.login();
            int fid = (EE_CERT_PREFIX << 8) | k.keyRef();
            // the device has no atomic replace: a certificate it has no room for must not cost the key its old one
            java.util.Optional<byte[]> before = session.applet().read(fid);
            session.applet().delete(fid);
            try {
                session.applet().write(fid, der);
            } catch (HsmkitException e) {
                session.applet().delete(fid);
                if (before.isPresent()) {
                    session.applet().write(fid, before.get());
                }
                throw e;
            }
            store.storeAuthorities(issuers);
            return store.read(k.keyRef());
        });
    }

    @Override
    public TokenKey importKey(PrivateKey privateKey, List<X509Certificate> chain, String keyLabel, byte[] id) {
        throw HsmkitException.key("a SmartCard-HSM cannot import a private key from outside",
                "generate the key on the device (hsmkit key generate), or restore a key backup (hsmkit key restore)");
    }

    @Override
    public void deleteKey(TokenKey key) {
        CardKey k = own(key);
        session.run("deleting the key", () -> {
            session.login();
            store.delete(k);
        });
    }

    /**
     * The key as this device's key, checked to be still in its slot: the slot's id now must be the
     * key's (a slot freed and filled again holds another key). One read, not a listing of all keys.
     */
    CardKey own(TokenKey key) {
        if (key instanceof CardKey k && k.token() == this
                && session.run("finding the key", () -> store.idAt(k.keyRef())).filter(id -> Arrays.equals(id, k.id())).isPresent()) {
            return k;
        }
        throw HsmkitException.key("the key '" + key.label() + "' is not on " + name(), "list the keys with: hsmkit key list");
    }

    @Override
    public List<DataObject> dataObjects() {
        return session.run("listing the data objects", data::list);
    }

    @Override
    public DataObject writeData(String dataLabel, String application, byte[] value, boolean privateObject) {
        return session.run("writing the data object", () -> data.write(dataLabel, application, value, privateObject));
    }

    @Override
    public byte[] readData(String dataLabel) {
        return session.run("reading the data object", () -> data.read(dataLabel));
    }

    @Override
    public void deleteData(String dataLabel) {
        session.run("deleting the data object", () -> data.delete(dataLabel));
    }

    @Override
    public void changePin(org.hsmkit.core.PinSource replacement) {
        session.run("changing the PIN", () -> session.changePin(replacement));
    }

    @Override
    public void unblockPin(char[] soPin, char[] replacement) {
        byte[] so = org.hsmkit.core.card.CardInitialization.soPinBytes(soPin);
        try {
            session.run("setting a new PIN with the SO-PIN", () -> session.unblockPin(so, replacement));
        } finally {
            Arrays.fill(so, (byte) 0);
        }
    }

    @Override
    public void changeSoPin(char[] soPin, char[] replacement) {
        byte[] so = org.hsmkit.core.card.CardInitialization.soPinBytes(soPin);
        byte[] next = org.hsmkit.core.card.CardInitialization.soPinBytes(replacement);
        try {
            session.run("changing the SO-PIN", () -> session.changeSoPin(so, next));
        } finally {
            Arrays.fill(so, (byte) 0);
            Arrays.fill(next, (byte) 0);
        }
    }

    @Override
    public void randomBytes(byte[] out) {
        session.run("drawing random bytes", () -> {
            for (int off = 0; off < out.length; off += 1024) {
                int n = Math.min(1024, out.length - off);
                byte[] r = session.applet().random(n);
                System.arraycopy(r, 0, out, off, n);
                Arrays.fill(r, (byte) 0);
            }
        });
    }

    // --- SmartCard-HSM ---

    @Override
    public CardInfo cardInfo() {
        return session.run("reading the device state", () -> {
            CardSession.PinState pin = session.pinState(ScHsmApplet.PIN_USER);
            Apdu.Response soState = session.applet().pinStatus(ScHsmApplet.PIN_SO);
            OptionalInt so = soState.triesLeft() >= 0 ? OptionalInt.of(soState.triesLeft()) : OptionalInt.empty();
            // as sc-hsm-tool reads it: a device without an SO-PIN (6A88) was never initialised
            boolean initialized = pin.initialized() && soState.sw() != 0x6A88;
            return new CardInfo(session.readerName(), session.appletInfo().version(), serial, label, initialized,
                    pin.words(), pin.triesLeft(), so, management.dkekStatusIfAny());
        });
    }

    @Override
    public void initialize(CardInitialization init) {
        management.initialize(init);
    }

    @Override
    public DkekStatus dkekStatus() {
        return session.run("reading the DKEK state", management::dkekStatus);
    }

    @Override
    public DkekStatus importDkekShare(DkekShare share) {
        return session.run("importing a DKEK share", () -> management.importShare(share));
    }

    @Override
    public Optional<KeyAttestation> attestation(TokenKey key) {
        CardKey k = own(key);
        return session.run("reading the key's request", () -> session.applet().read((EE_CERT_PREFIX << 8) | k.keyRef()))
                .filter(f -> f.length > 0 && f[0] == 0x67)
                .map(f -> KeyAttestation.of(Arrays.copyOf(f, Tlv.encodedLength(f, 0)), deviceCertificates()));
    }

    @Override
    public WrappedKey backup(TokenKey key) {
        CardKey k = own(key);
        return session.run("backing up the key", () -> management.backup(k));
    }

    @Override
    public TokenKey restore(WrappedKey backup) {
        return session.run("restoring the key", () -> management.restore(backup));
    }

    @Override
    public byte[] deviceCertificates() {
        return deviceCertificates.clone();
    }

    @Override
    public DeviceReport verifyDevice(CvCertificate root, java.time.LocalDate day) {
        DeviceReport offline = DeviceChain.verify(deviceCertificates, root, day);
        return offline.with(session.run("authenticating the device", () -> management.authenticateDevice(offline, root)));
    }

    @Override
    public long commandCount() {
        return session.commandCount();
    }

    @Override
    public void close() {
        session.close();
    }

    @Override
    public String toString() {
        return name();
    }
}
