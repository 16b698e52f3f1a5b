package org.hsmkit.core.internal.card;

import static org.hsmkit.core.internal.card.Pkcs15Files.EE_CERT_PREFIX;
import static org.hsmkit.core.internal.card.Pkcs15Files.PRKD_PREFIX;

import java.io.ByteArrayOutputStream;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

import org.hsmkit.core.ErrorKind;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.PinException;
import org.hsmkit.core.card.CardInitialization;
import org.hsmkit.core.card.CvCertificate;
import org.hsmkit.core.card.DeviceCheck;
import org.hsmkit.core.card.DeviceReport;
import org.hsmkit.core.card.DkekShare;
import org.hsmkit.core.card.DkekStatus;
import org.hsmkit.core.card.WrappedKey;

/**
 * What makes a SmartCard-HSM an HSM, each step as sc-hsm-tool and OpenSC do it: initialisation,
 * the DKEK and its shares, key backup (WRAP KEY) and restore (UNWRAP KEY) with the key's PKCS#15
 * description and certificate file, and device authentication. Called by {@link CardToken}
 * inside a transaction.
 */
final class CardManagement {
    private static final SecureRandom RANDOM = new SecureRandom();
    private final CardToken token;

    CardManagement(CardToken token) {
        this.token = token;
    }

    private CardSession session() {
        return token.session();
    }

    private ScHsmApplet applet() {
        return token.session().applet();
    }

    // --- initialisation ---

    void initialize(CardInitialization init) {
        byte[] so = init.soPinBytes();
        byte[] user = CardSession.utf8(init.userPin());
        try {
            ByteArrayOutputStream d = new ByteArrayOutputStream();
            d.writeBytes(Tlv.encode(0x80, new byte[] {0x00, 0x01})); // options: user PIN reset with the SO-PIN allowed
            d.writeBytes(Tlv.encode(0x81, user));
            d.writeBytes(Tlv.encode(0x82, so));
            d.writeBytes(Tlv.encode(0x91, new byte[] {(byte) init.pinRetries()}));
            if (init.dkekShares().isPresent()) {
                d.writeBytes(Tlv.encode(0x92, new byte[] {(byte) init.dkekShares().getAsInt()}));
            }
            byte[] data = d.toByteArray();
            session().run("initialising the device", () -> {
                Apdu.Response r = applet().initialize(data);
                Arrays.fill(data, (byte) 0);
                if (r.triesLeft() >= 0 || r.sw() == 0x6982 || r.sw() == 0x6983 || r.sw() == 0x6986) {
                    int left = Math.max(r.triesLeft(), 0);
                    throw new PinException("the SO-PIN is wrong: " + token.name() + " was initialised before with another one"
                            + (r.triesLeft() >= 0 ? "; " + left + " SO-PIN tries left" : " (SW " + r.swHex() + ")"),
                            "give the SO-PIN set at the first initialisation", left);
                }
                ScHsmApplet.check(r, "the initialisation");
                session().forgetLogin();
                if (!init.label().isEmpty()) {
                    Apdu.Response v = applet().verify(ScHsmApplet.PIN_USER, user);
                    ScHsmApplet.check(v, "the new user PIN");
                    applet().write(Pkcs15Files.TOKEN_INFO, Pkcs15Files.tokenInfo(init.label()));
                }
            });
            token.label(init.label());
        } finally {
            Arrays.fill(so, (byte) 0);
            Arrays.fill(user, (byte) 0);
        }
    }

    // --- DKEK ---

    Optional<DkekStatus> dkekStatusIfAny() {
        Apdu.Response r = applet().dkek(null);
        return r.ok() ? Optional.of(parse(r.data())) : Optional.empty();
    }

    DkekStatus dkekStatus() {
        return dkekStatusIfAny().orElseThrow(this::noDkek);
    }

    private HsmkitException noDkek() {
        return HsmkitException.key(token.name() + " was initialised without DKEK shares, so keys cannot be backed up",
                "initialise it with DKEK shares: hsmkit card init --dkek-shares N --yes (this wipes the device)");
    }

    private static DkekStatus parse(byte[] d) {
        if (d.length < 10) {
            throw HsmkitException.key("the DKEK state the card reported is " + d.length + " bytes long", null);
        }
        return new DkekStatus(d[0] & 0xFF, d[1] & 0xFF, Arrays.copyOfRange(d, 2, 10));
    }

    DkekStatus importShare(DkekShare share) {
        DkekStatus before = dkekStatus();
        if (before.complete()) {
            throw HsmkitException.key("all " + before.shares() + " DKEK shares of " + token.name() + " are already imported"
                    + " (key check value " + before.keyCheckValueHex() + ")",
                    "a device takes its shares once; to start over, initialise it again (this wipes it)");
        }
        byte[] value = share.value();
        try {
            Apdu.Response r = applet().dkek(value);
            if (r.sw() == 0x6982) {
                session().login();
                r = applet().dkek(value);
            }
            ScHsmApplet.check(r, "the DKEK share");
            DkekStatus after = parse(r.data());
            refuseCancelledShares(after, share, before.shares() - before.outstanding());
            return after;
        } finally {
            Arrays.fill(value, (byte) 0);
        }
    }

    /** The way out of a DKEK whose shares cancelled out. */
    private static String startAgain(DkekStatus s) {
        return "initialise the device again (hsmkit card init --dkek-shares " + s.shares()
                + " --yes, which wipes it) and import each custodian's share once";
    }

    /**
     * The DKEK is the XOR of its shares, so a share imported twice cancels itself: the DKEK becomes
     * zero, or the one share imported last. The device cannot tell; the key check value can.
     */
    private void refuseCancelledShares(DkekStatus after, DkekShare last, int importedBefore) {
        if (!after.complete() || importedBefore == 0) {
            return;
        }
        String hint = startAgain(after);
        if (after.zero()) {
            throw HsmkitException.key("the DKEK of " + token.name() + " is now all zeros: its shares cancel out (was a share file"
                    + " imported twice?), so anyone could unwrap its key backups; hsmkit will back up no key under it", hint);
        }
        if (java.security.MessageDigest.isEqual(after.keyCheckValue(), last.keyCheckValue())) {
            throw HsmkitException.key("the DKEK of " + token.name() + " is now this one share alone (key check value "
                    + after.keyCheckValueHex() + "): the shares imported before it cancel out (was a share file imported twice?),"
                    + " so its holder alone could unwrap the key backups", hint);
        }
    }

    // --- backup and restore ---

    WrappedKey backup(CardKey key) {
        session().login();
        requireComplete();
        Apdu.Response r = applet().wrapKey(key.keyRef());
        if (r.sw() == 0x6A88 || r.sw() == 0x6D00) {
            throw noDkek();
        }
        if (r.sw() == 0x6985 || r.sw() == 0x6A81 || r.sw() == 0x6986) {
            throw HsmkitException.key("the key '" + key.label() + "' on " + token.name() + " may not be exported (SW "
                    + r.swHex() + ")", "keys can be backed up when they were generated after the DKEK was set");
        }
        ScHsmApplet.check(r, "wrapping the key");
        byte[] description = firstObject(applet().read((PRKD_PREFIX << 8) | key.keyRef()));
        byte[] certificate = firstObject(applet().read((EE_CERT_PREFIX << 8) | key.keyRef()));
        return WrappedKey.of(r.data(), description, certificate);
    }

    private static byte[] firstObject(Optional<byte[]> file) {
        if (file.isEmpty() || file.get().length == 0) {
            return null;
        }
        byte[] f = file.get();
        return Arrays.copyOf(f, Tlv.encodedLength(f, 0));
    }

    private DkekStatus requireComplete() {
        DkekStatus s = dkekStatus();
        if (!s.complete()) {
            throw HsmkitException.key("the DKEK of " + token.name() + " is incomplete: " + s.outstanding() + " of "
                    + s.shares() + " shares still to import", "import the missing shares: hsmkit card dkek import FILE");
        }
        if (s.zero()) {
            throw HsmkitException.key("the DKEK of " + token.name() + " is all zeros (its shares cancel out), so anyone could"
                    + " unwrap a backup made under it; nothing was backed up", startAgain(s));
        }
        return s;
    }

    CardKey restore(WrappedKey backup) {
        DkekStatus s = requireComplete();
        if (!MessageDigest.isEqual(s.keyCheckValue(), backup.keyCheckValue())) {
            throw HsmkitException.key("the backup was made under a DKEK with key check value " + backup.keyCheckValueHex()
                    + ", but the DKEK of " + token.name() + " has key check value " + s.keyCheckValueHex(),
                    "restore on a device that was given the same DKEK shares (compare: hsmkit card dkek status)");
        }
        List<CardKey> existing = token.store().keys();
        byte[] id = backup.id();
        if (id.length > 0 && CardKeyStore.idTaken(existing, id)) {
            throw HsmkitException.key(token.name() + " already holds a key with id " + HexFormat.of().formatHex(id)
                    + " (the id of the key in the backup)", "delete that key first, or restore on another device");
        }
        session().login();
        int ref = token.store().freeReference(applet().enumerate());
        Apdu.Response r = applet().unwrapKey(ref, backup.keyBlob());
        if (r.sw() == 0x6A80) {
            throw HsmkitException.key("the device refused the backup: it does not fit its DKEK (key check value "
                    + s.keyCheckValueHex() + ") or it is damaged", "check the backup file and the DKEK shares");
        }
        ScHsmApplet.check(r, "unwrapping the key");
        try {
            if (backup.description().isPresent()) {
                applet().write((PRKD_PREFIX << 8) | ref, backup.description().get());
            }
            if (backup.certificateFile().isPresent()) {
                applet().write((EE_CERT_PREFIX << 8) | ref, backup.certificateFile().get());
            }
            return token.store().read(ref);
        } catch (RuntimeException e) {
            token.removeQuietly(ref);
            throw e;
        }
    }

    // --- device authentication ---

    /** The live check: the device proves it holds the private key its certificate certifies. */
    DeviceCheck authenticateDevice(DeviceReport offline, CvCertificate root) {
        String name = "device holds the key of " + offline.deviceChr() + " (live)";
        CvcPublicKey deviceKey;
        try {
            deviceKey = DeviceKeys.deviceKey(token.deviceCertificates(), root.encoded());
            deviceKey.ecKey();
        } catch (IllegalArgumentException | IllegalStateException e) {
            return new DeviceCheck(name, DeviceCheck.Status.NOT_RUN, "the device key cannot be read from its certificate");
        }
        ChipAuthentication ca = ChipAuthentication.start(deviceKey.ecKey(), RANDOM);
        try {
            Apdu.Response mse = applet().mseSetAt(ca.mseData());
            if (!mse.ok()) {
                return new DeviceCheck(name, DeviceCheck.Status.FAILED,
                        "the device refused the device authentication protocol (SW " + mse.swHex() + ")");
            }
            Apdu.Response ga = applet().generalAuthenticate(ca.generalAuthenticateData());
            if (!ga.ok()) {
                return new DeviceCheck(name, DeviceCheck.Status.FAILED,
                        "the device did not answer the authentication (SW " + ga.swHex() + ")");
            }
            boolean proven;
            try {
                proven = ca.verify(ga.data());
            } catch (IllegalArgumentException e) {
                proven = false;
            }
            return proven ? new DeviceCheck(name, DeviceCheck.Status.PASSED, "")
                    : new DeviceCheck(name, DeviceCheck.Status.FAILED,
                            "its answer does not prove that it holds the private key of its certificate");
        } finally {
            // the device expects secure messaging now: selecting the applet again ends that
            session().forgetLogin();
            if (applet().select().isEmpty() && applet().select().isEmpty()) {
                throw new HsmkitException(ErrorKind.KEY, "the SmartCard-HSM applet could not be selected again after the"
                        + " device authentication", "remove and insert the device");
            }
        }
    }
}
