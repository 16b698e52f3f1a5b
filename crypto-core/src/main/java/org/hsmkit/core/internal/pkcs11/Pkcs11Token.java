package org.hsmkit.core.internal.pkcs11;

import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_EC_PARAMS;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_EC_POINT;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_ID;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_KEY_TYPE;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_LABEL;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_MODULUS;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_PUBLIC_EXPONENT;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_VALUE;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKC_X_509;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKF_RNG;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKF_TOKEN_INITIALIZED;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKK_EC;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKK_RSA;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKM_EC_KEY_PAIR_GEN;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKM_RSA_PKCS_KEY_PAIR_GEN;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKO_CERTIFICATE;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKO_PRIVATE_KEY;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKO_PUBLIC_KEY;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKR_DEVICE_REMOVED;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKR_CRYPTOKI_NOT_INITIALIZED;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKR_PIN_EXPIRED;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKR_PIN_INCORRECT;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKR_PIN_LEN_RANGE;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKR_PIN_INVALID;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKR_PIN_LOCKED;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKR_SESSION_CLOSED;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKR_SESSION_HANDLE_INVALID;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKR_TOKEN_NOT_PRESENT;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKR_TOKEN_NOT_RECOGNIZED;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKR_USER_ALREADY_LOGGED_IN;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKU_USER;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.util.BigIntegers;
import org.hsmkit.core.DataObject;
import org.hsmkit.core.ErrorKind;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.KeyType;
import org.hsmkit.core.PinException;
import org.hsmkit.core.PinSource;
import org.hsmkit.core.Token;
import org.hsmkit.core.TokenInfo;
import org.hsmkit.core.TokenKey;
import org.hsmkit.core.internal.Providers;
import org.hsmkit.core.internal.soft.IssuerChain;
import org.hsmkit.core.internal.soft.KeyIds;
import org.hsmkit.core.internal.soft.KeyTypes;
import org.hsmkit.core.internal.soft.PrivateKeys;
import org.xipki.pkcs11.wrapper.AttributeVector;
import org.xipki.pkcs11.wrapper.KeyPairTemplate;
import org.xipki.pkcs11.wrapper.Mechanism;
import org.xipki.pkcs11.wrapper.PKCS11Constants;
import org.xipki.pkcs11.wrapper.PKCS11Exception;
import org.xipki.pkcs11.wrapper.PKCS11KeyPair;
import org.xipki.pkcs11.wrapper.Session;
import org.xipki.pkcs11.wrapper.Slot;

/**
 * A token in a slot of a PKCS#11 module, driven through the low-level ipkcs11wrapper API.
 *
 * <p>Sessions are kept and reused: an operation borrows an idle session (or opens one), so each
 * thread works in a session of its own. The user logs in once per token and process, when the
 * first private-key operation needs it, following {@link PinPolicy}. When the module reports a
 * removed device or lost sessions, the module is initialised again, the token is found again by
 * its label and serial number, and keys are found again by CKA_ID; the operation is tried once
 * more (after a new login, which asks the PIN source again).
 */
public final class Pkcs11Token implements Token {
    /** Tries of {@link #call} after a lost session or removed card. */
    private static final int ATTEMPTS = 2;
    private static final int RANDOM_CHUNK = 1024;
    /** Removals one key deletion may take before it gives up (a token that reports removals it does not make). */
    private static final int MAX_OBJECTS_PER_KEY = 32;

    private final Pkcs11Library library;
    private final PinSource pins;
    private final boolean allowFinalPinTry;
    private final String label;
    private final String serial;
    private final String manufacturer;
    private final String model;
    private final Deque<Session> idle = new ArrayDeque<>();
    private final List<Session> sessions = new ArrayList<>();
    private final Pkcs11DataObjects dataObjectStore = new Pkcs11DataObjects(this);
    private Slot slot;
    private int generation;
    private long[] mechanisms;
    private boolean closed;

    /** Opened by {@link Pkcs11Tokens#open}. */
    Pkcs11Token(Pkcs11Library library, Slot slot, PinSource pins, boolean allowFinalPinTry) {
        this.library = library;
        this.pins = pins;
        this.allowFinalPinTry = allowFinalPinTry;
        this.slot = slot;
        this.generation = library.generation();
        try {
            org.xipki.pkcs11.wrapper.TokenInfo ti = slot.getToken().getTokenInfo();
            this.label = ti.getLabel().strip();
            this.serial = ti.getSerialNumber().strip();
            this.manufacturer = ti.getManufacturerID().strip();
            this.model = ti.getModel().strip();
        } catch (PKCS11Exception e) {
            throw new HsmkitException(ErrorKind.KEY, "cannot read the token in slot " + slot.getSlotID() + ": "
                    + e.getErrorName(), null, e);
        }
        library.tokenOpened();
    }

    // --- Token ---

    @Override
    public synchronized TokenInfo info() {
        ensureCurrent();
        return Pkcs11Tokens.describe(library, slot);
    }

    @Override
    public List<TokenKey> keys() {
        return List.copyOf(pkcs11Keys());
    }

    List<Pkcs11Key> pkcs11Keys() {
        return call("listing the keys", true, s -> {
            List<X509Certificate> certs = readCertificates(s);
            List<Pkcs11Key> keys = new ArrayList<>();
            for (long h : s.findAllObjectsSingle(new AttributeVector().class_(CKO_PRIVATE_KEY))) {
                Pkcs11Key k = readKey(s, h, certs);
                if (k != null) {
                    keys.add(k);
                }
            }
            return keys;
        });
    }

    @Override
    public TokenKey key(String reference) {
        KeySelector selector = KeySelector.parse(reference);
        if (selector.uri().isPresent()) {
            Pkcs11Uri uri = selector.uri().get();
            if (uri.selectsToken() && !uri.matchesToken(uri.slotId().isPresent() ? slot.getSlotID() : -1,
                    uri.slotDescription().isPresent() ? slotDescription() : "", label, manufacturer, model, serial)) {
                throw HsmkitException.key("the key URI '" + reference + "' names another token than " + name(),
                        "select that token with -t, or leave the token attributes out of the key URI");
            }
        }
        return selector.pick(pkcs11Keys(), name());
    }

    private String slotDescription() {
        try {
            return slot.getSlotInfo().getSlotDescription().strip();
        } catch (PKCS11Exception e) {
            return "";
        }
    }

    @Override
    public List<X509Certificate> certificates() {
        return call("listing the certificates", false, this::readCertificates);
    }

    @Override
    public TokenKey generateKey(KeyType type, String keyLabel, byte[] id) {
        requireLabel(keyLabel);
        long generator = type.isRsa() ? CKM_RSA_PKCS_KEY_PAIR_GEN : CKM_EC_KEY_PAIR_GEN;
        requireMechanism(generator, "generating " + type + " keys");
        requireKeySize(generator, type);
        return call("generating an " + type + " key pair", true, s -> {
            refuseDuplicate(s, keyLabel, id);
            AttributeVector pub = new AttributeVector().class_(CKO_PUBLIC_KEY).token(true).private_(false)
                    .verify(true).label(keyLabel);
            AttributeVector priv = new AttributeVector().class_(CKO_PRIVATE_KEY).token(true).private_(true)
                    .sensitive(true).extractable(false).sign(true).label(keyLabel);
            if (id != null) {
                pub.id(id);
                priv.id(id);
            }
            Mechanism mech;
            if (type.isRsa()) {
                pub.keyType(CKK_RSA).encrypt(true).modulusBits(type.bits()).publicExponent(BigInteger.valueOf(65537));
                priv.keyType(CKK_RSA).decrypt(true);
                mech = new Mechanism(CKM_RSA_PKCS_KEY_PAIR_GEN);
            } else {
                pub.keyType(CKK_EC).ecParams(curveParams(type));
                priv.keyType(CKK_EC).derive(true);
                mech = new Mechanism(CKM_EC_KEY_PAIR_GEN);
            }
            PKCS11KeyPair pair = s.generateKeyPair(mech, new KeyPairTemplate(priv, pub));
            if (id == null) {
                byte[] assigned = s.getAttrValues(pair.getPrivateKey(), CKA_ID).id();
                if (assigned == null || assigned.length == 0) {
                    // the token chose no id: derive one from the public key, as for the soft token
                    PublicKey pk = publicKeyOf(s, pair.getPublicKey(), type.isRsa() ? CKK_RSA : CKK_EC);
                    byte[] derived = KeyIds.of(pk);
                    s.setAttributeValues(pair.getPrivateKey(), new AttributeVector().id(derived));
                    s.setAttributeValues(pair.getPublicKey(), new AttributeVector().id(derived));
                }
            }
            return readKey(s, pair.getPrivateKey(), readCertificates(s));
        });
    }

    /** Refuses a key size outside what the token says its generator makes (C_GetMechanismInfo). */
    private void requireKeySize(long generator, KeyType type) {
        org.xipki.pkcs11.wrapper.MechanismInfo info;
        synchronized (this) {
            ensureCurrent();
            info = slot.getToken().getMechanismInfo(generator);
        }
        if (info == null || info.getMaxKeySize() <= 0) {
            return; // the token does not say
        }
        if (type.bits() > info.getMaxKeySize() || type.bits() < info.getMinKeySize()) {
            throw HsmkitException.key(name() + " generates " + (type.isRsa() ? "RSA" : "EC") + " keys of "
                    + info.getMinKeySize() + " to " + info.getMaxKeySize() + " bits, not " + type.bits(),
                    "choose another --type");
        }
    }

    private static byte[] curveParams(KeyType type) {
        try {
            return ECNamedCurveTable.getOID(type.curveName().orElseThrow()).getEncoded("DER");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public TokenKey storeCertificate(TokenKey key, X509Certificate certificate) {
        return storeCertificate(key, certificate, List.of());
    }

    @Override
    public TokenKey storeCertificate(TokenKey key, X509Certificate certificate, List<X509Certificate> issuers) {
        if (!key.publicKeyKnown()) {
            // without the public key nothing shows the certificate is this key's (a test signature
            // is no way out: OpenSC cannot size a signature for such a SmartCard-HSM key)
            throw HsmkitException.key("cannot check that the certificate belongs to the key '" + key.label() + "' (id "
                    + HexFormat.of().formatHex(key.id()) + ") on " + name() + ": the token gives no public key for it",
                    "store the certificate with the token's own tool (pkcs11-tool --write-object CERT --type cert --id "
                    + HexFormat.of().formatHex(key.id()) + "), or delete the key with 'hsmkit key delete'");
        }
        KeyIds.requireMatch(key, certificate);
        return call("storing a certificate", true, s -> {
            long priv = privateKeyHandle(s, key.id(), key.label());
            Pkcs11Key onToken = readKey(s, priv, List.of());
            if (onToken == null || !onToken.publicKeyKnown() || !KeyIds.sameKey(onToken.publicKey(), certificate.getPublicKey())) {
                throw HsmkitException.input("the certificate does not belong to the key with id "
                        + HexFormat.of().formatHex(key.id()) + " on " + name(), "choose the key the certificate was issued for");
            }
            AttributeVector keyAttrs = s.getAttrValues(priv, CKA_ID, CKA_LABEL);
            byte[] id = keyAttrs.id() == null ? new byte[0] : keyAttrs.id();
            String keyLabel = keyAttrs.label() == null ? key.label() : keyAttrs.label();
            List<X509Certificate> before = new ArrayList<>();
            for (long old : certificatesFor(s, id, keyLabel)) {
                X509Certificate c = certificate(s.getAttrValues(old, CKA_VALUE).value());
                if (c != null) {
                    before.add(c);
                }
                destroyIfPresent(s, old);
            }
            try {
                createCertificate(s, certificate, id, keyLabel);
            } catch (PKCS11Exception e) {
                // a token with no room for the new one keeps the old; OpenSC's SmartCard-HSM module
                // leaves the new one's file half written, and then the old one does not fit either
                List<X509Certificate> lost = new ArrayList<>();
                for (X509Certificate c : before) {
                    try {
                        createCertificate(s, c, id, keyLabel);
                    } catch (PKCS11Exception again) {
                        lost.add(c);
                    }
                }
                if (lost.isEmpty()) {
                    throw e;
                }
                HsmkitException failure = translate("storing a certificate", e);
                throw new HsmkitException(ErrorKind.KEY, failure.getMessage() + "; the key's previous certificate ("
                        + lost.stream().map(c -> org.hsmkit.core.NameFormat.format(c.getSubjectX500Principal()) + ", serial "
                        + c.getSerialNumber().toString(16)).collect(java.util.stream.Collectors.joining("; "))
                        + ") was removed first and could not be put back",
                        "free space on the token (hsmkit key delete, hsmkit data delete), then import the previous certificate"
                        + " again, or the new one; the CA that issued it can send it again", e);
            }
            List<X509Certificate> present = readCertificates(s);
            for (X509Certificate issuer : issuers) {
                if (present.contains(issuer)) {
                    continue;
                }
                try {
                    createCertificate(s, issuer, null, commonName(issuer));
                } catch (PKCS11Exception e) {
                    // a token that keeps certificates with keys only: the key's own is stored, and
                    // the returned chain shows the caller which issuers stayed off
                    break;
                }
            }
            return readKey(s, priv, readCertificates(s));
        });
    }

    private static long createCertificate(Session s, X509Certificate c, byte[] id, String certLabel) throws PKCS11Exception {
        try {
            AttributeVector a = new AttributeVector().class_(CKO_CERTIFICATE).certificateType(CKC_X_509).token(true)
                    .private_(false).label(certLabel)
                    .subject(c.getSubjectX500Principal().getEncoded())
                    .issuer(c.getIssuerX500Principal().getEncoded())
                    .serialNumber(new ASN1Integer(c.getSerialNumber()).getEncoded("DER"))
                    .value(c.getEncoded());
            if (id != null && id.length > 0) {
                a.id(id);
            }
            return s.createObject(a);
        } catch (IOException | java.security.cert.CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public TokenKey importKey(PrivateKey privateKey, List<X509Certificate> chain, String keyLabel, byte[] id) {
        requireLabel(keyLabel);
        PrivateKey bc = PrivateKeys.toBc(privateKey);
        PublicKey publicKey = PrivateKeys.publicKeyOf(bc);
        if (chain != null && !chain.isEmpty() && !KeyIds.sameKey(publicKey, chain.get(0).getPublicKey())) {
            throw HsmkitException.input("the certificate '" + org.hsmkit.core.NameFormat.format(chain.get(0).getSubjectX500Principal())
                    + "' does not belong to the private key being imported", "check the PKCS#12 file");
        }
        KeyType type = KeyTypes.of(publicKey);
        byte[] keyId = id == null ? KeyIds.of(publicKey) : id.clone();
        return call("importing a key", true, s -> {
            refuseDuplicate(s, keyLabel, keyId);
            List<Long> created = new ArrayList<>();
            try {
                created.add(s.createObject(privateKeyTemplate(bc, type, keyLabel, keyId)));
                created.add(s.createObject(publicKeyTemplate(publicKey, type, keyLabel, keyId)));
                if (chain != null && !chain.isEmpty()) {
                    created.add(createCertificate(s, chain.get(0), keyId, keyLabel));
                    List<X509Certificate> present = readCertificates(s);
                    for (X509Certificate issuer : chain.subList(1, chain.size())) {
                        if (!present.contains(issuer)) {
                            created.add(createCertificate(s, issuer, null, commonName(issuer)));
                        }
                    }
                }
            } catch (PKCS11Exception e) {
                for (long h : created) {
                    try {
                        s.destroyObject(h);
                    } catch (PKCS11Exception ignored) {
                        // best effort: leave no half-imported key behind
                    }
                }
                throw e;
            }
            return readKey(s, created.get(0), readCertificates(s));
        });
    }

    private static String commonName(X509Certificate c) {
        return org.hsmkit.core.NameFormat.commonName(c.getSubjectX500Principal());
    }

    private static AttributeVector privateKeyTemplate(PrivateKey key, KeyType type, String keyLabel, byte[] id) {
        AttributeVector a = new AttributeVector().class_(CKO_PRIVATE_KEY).token(true).private_(true).sensitive(true)
                .extractable(false).sign(true).label(keyLabel).id(id);
        if (key instanceof RSAPrivateCrtKey rsa) {
            return a.keyType(CKK_RSA).decrypt(true).modulus(rsa.getModulus()).publicExponent(rsa.getPublicExponent())
                    .privateExponent(rsa.getPrivateExponent()).prime1(rsa.getPrimeP()).prime2(rsa.getPrimeQ())
                    .exponent1(rsa.getPrimeExponentP()).exponent2(rsa.getPrimeExponentQ())
                    .coefficient(rsa.getCrtCoefficient());
        }
        if (key instanceof ECPrivateKey ec) {
            return a.keyType(CKK_EC).derive(true).ecParams(curveParams(type))
                    .value(BigIntegers.asUnsignedByteArray((type.bits() + 7) / 8, ec.getS()));
        }
        throw HsmkitException.input("only RSA (with CRT parameters) and EC private keys can be imported", null);
    }

    private static AttributeVector publicKeyTemplate(PublicKey key, KeyType type, String keyLabel, byte[] id) {
        AttributeVector a = new AttributeVector().class_(CKO_PUBLIC_KEY).token(true).private_(false).verify(true)
                .label(keyLabel).id(id);
        if (key instanceof java.security.interfaces.RSAPublicKey rsa) {
            return a.keyType(CKK_RSA).encrypt(true).modulus(rsa.getModulus()).publicExponent(rsa.getPublicExponent());
        }
        byte[] point = SubjectPublicKeyInfo.getInstance(key.getEncoded()).getPublicKeyData().getBytes();
        try {
            // CKA_EC_POINT is the DER OCTET STRING holding the point
            return a.keyType(CKK_EC).ecParams(curveParams(type)).ecPoint(new DEROctetString(point).getEncoded("DER"));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Deletes the certificates, public keys and the private key with the key's CKA_ID (its label
     * when it has no id), finding the objects again before each removal: on OpenSC's SmartCard-HSM
     * driver removing one object can take others with it (a public key made from the certificate
     * goes with the certificate), so handles found earlier may be stale. A handle that became
     * invalid because its object is gone counts as removed. Afterwards nothing with the id is left,
     * or the deletion fails naming what is.
     */
    @Override
    public void deleteKey(TokenKey key) {
        call("deleting a key", true, s -> {
            long priv = privateKeyHandle(s, key.id(), key.label());
            AttributeVector attrs = s.getAttrValues(priv, CKA_ID, CKA_LABEL);
            byte[] id = attrs.id() == null ? new byte[0] : attrs.id();
            String keyLabel = attrs.label() == null ? "" : attrs.label();
            if (id.length == 0 && keyLabel.isEmpty()) {
                destroyIfPresent(s, priv);
                return null;
            }
            for (int removals = 0; removals < MAX_OBJECTS_PER_KEY; removals++) {
                Optional<Long> next = nextObjectOfKey(s, id, keyLabel);
                if (next.isEmpty()) {
                    return null;
                }
                destroyIfPresent(s, next.get());
            }
            throw HsmkitException.key("deleting the key " + describe(id, keyLabel) + " left objects on " + name(),
                    "list them with pkcs11-tool --list-objects and remove them with pkcs11-tool --delete-object");
        });
    }

    /** The first object still on the token for the key: certificates first, then public keys, the private key last. */
    private static Optional<Long> nextObjectOfKey(Session s, byte[] id, String keyLabel) throws PKCS11Exception {
        for (long cls : new long[] {CKO_CERTIFICATE, CKO_PUBLIC_KEY, CKO_PRIVATE_KEY}) {
            List<Long> found = objectsFor(s, cls, id, keyLabel);
            if (!found.isEmpty()) {
                return Optional.of(found.get(0));
            }
        }
        return Optional.empty();
    }

    private static void destroyIfPresent(Session s, long handle) throws PKCS11Exception {
        try {
            s.destroyObject(handle);
        } catch (PKCS11Exception e) {
            if (e.getErrorCode() != PKCS11Constants.CKR_OBJECT_HANDLE_INVALID) {
                throw e;
            }
            // removed already, together with another object of the key
        }
    }

    private static String describe(byte[] id, String keyLabel) {
        return id.length > 0 ? "with id " + HexFormat.of().formatHex(id) : "'" + keyLabel + "'";
    }

    @Override
    public List<DataObject> dataObjects() {
        return dataObjectStore.list();
    }

    @Override
    public DataObject writeData(String objectLabel, String application, byte[] value, boolean privateObject) {
        return dataObjectStore.write(objectLabel, application, value, privateObject);
    }

    @Override
    public byte[] readData(String objectLabel) {
        return dataObjectStore.read(objectLabel);
    }

    @Override
    public void deleteData(String objectLabel) {
        dataObjectStore.delete(objectLabel);
    }

    @Override
    public void randomBytes(byte[] out) {
        long flags = currentFlags();
        if ((flags & CKF_RNG) == 0) {
            throw HsmkitException.key(name() + " has no random number generator (CKF_RNG is not set)",
                    "use another token, or the soft token");
        }
        call("drawing random bytes", false, s -> {
            for (int off = 0; off < out.length; off += RANDOM_CHUNK) {
                int n = Math.min(RANDOM_CHUNK, out.length - off);
                byte[] r = s.generateRandom(n);
                if (r.length != n) {
                    throw HsmkitException.key(name() + " returned " + r.length + " random bytes instead of " + n, null);
                }
                System.arraycopy(r, 0, out, off, n);
            }
            return null;
        });
    }

    @Override
    public void changePin(PinSource replacement) {
        synchronized (library.loginLock) {
            ensureCurrent();
            PKCS11Exception[] failure = new PKCS11Exception[1];
            // C_SetPIN in a session without a login changes the user PIN after checking the current one,
            // which spends a try when it is wrong: the same rules as a login
            PinPolicy.login(name(), this::currentFlags, pins, allowFinalPinTry, pin -> {
                Session s = null;
                char[] next = replacement.pin("new PIN for " + name(), true);
                try {
                    s = borrow();
                    s.setPIN(pin, next);
                    return true;
                } catch (PKCS11Exception e) {
                    long code = e.getErrorCode();
                    if (code == CKR_PIN_INCORRECT) {
                        return false;
                    }
                    if (code == CKR_PIN_LOCKED) {
                        throw PinPolicy.locked(name());
                    }
                    failure[0] = e;
                    return true;
                } finally {
                    Arrays.fill(next, '\0');
                    giveBack(s);
                }
            });
            if (failure[0] != null) {
                throw newPinRefused(failure[0], "changing the PIN");
            }
        }
    }

    @Override
    public void unblockPin(char[] soPin, char[] replacement) {
        asSecurityOfficer(soPin, "unblocking the PIN", s -> s.initPIN(replacement));
    }

    @Override
    public void changeSoPin(char[] soPin, char[] replacement) {
        asSecurityOfficer(soPin, "changing the SO-PIN", s -> s.setPIN(soPin, replacement));
    }

    /** What the security officer does once logged in. */
    @FunctionalInterface
    private interface SoWork {
        void run(Session s) throws PKCS11Exception;
    }

    /**
     * Logs in as the security officer in a session of its own, runs {@code work}, and closes that
     * session (so that no session of this process keeps the SO login). The SO-PIN's state is
     * checked first as the user PIN's is before a login.
     */
    private void asSecurityOfficer(char[] soPin, String what, SoWork work) {
        synchronized (library.loginLock) {
            ensureCurrent();
            if ((currentFlags() & PKCS11Constants.CKF_SO_PIN_LOCKED) != 0) {
                throw PinPolicy.soLocked(name());
            }
            if ((currentFlags() & PKCS11Constants.CKF_SO_PIN_FINAL_TRY) != 0 && !allowFinalPinTry) {
                throw PinPolicy.soFinalTryRefused(name());
            }
            Session s = null;
            try {
                s = borrow();
                try {
                    s.login(PKCS11Constants.CKU_SO, soPin);
                } catch (PKCS11Exception e) {
                    if (e.getErrorCode() == CKR_PIN_INCORRECT) {
                        throw wrongSoPin();
                    }
                    if (e.getErrorCode() == CKR_PIN_LOCKED) {
                        throw PinPolicy.soLocked(name());
                    }
                    if (e.getErrorCode() == PKCS11Constants.CKR_USER_ANOTHER_ALREADY_LOGGED_IN
                            || e.getErrorCode() == CKR_USER_ALREADY_LOGGED_IN) {
                        throw new HsmkitException(ErrorKind.KEY, "a user is logged in to " + name()
                                + " (in this or another program), so the security officer cannot log in now",
                                "close the other programs that use the token (in a program of yours: its tokens) and run again", e);
                    }
                    throw translate("the SO login", e);
                }
                try {
                    work.run(s);
                } catch (PKCS11Exception e) {
                    if (e.getErrorCode() == CKR_PIN_INCORRECT) {
                        // OpenSC's SmartCard-HSM driver accepts any SO-PIN at C_Login and checks it only here,
                        // in the card command that needs it
                        throw wrongSoPin();
                    }
                    throw newPinRefused(e, what);
                } finally {
                    try {
                        s.logout();
                    } catch (PKCS11Exception ignored) {
                        // the session is closed below either way, which ends the SO login
                    }
                }
            } catch (PKCS11Exception e) {
                throw translate(what, e);
            } finally {
                replace(s, false);
            }
        }
    }

    private PinException wrongSoPin() {
        long flags = currentFlags();
        String tries = (flags & PKCS11Constants.CKF_SO_PIN_LOCKED) != 0 ? "the SO-PIN is now locked"
                : (flags & PKCS11Constants.CKF_SO_PIN_FINAL_TRY) != 0 ? "one try is left before the SO-PIN locks"
                : "the token does not say how many tries are left";
        return new PinException("wrong SO-PIN for " + name() + "; " + tries, "check the SO-PIN", null);
    }

    /** A refusal of the new PIN by its length or characters says so; anything else as usual. */
    private HsmkitException newPinRefused(PKCS11Exception e, String what) {
        long code = e.getErrorCode();
        if (code == CKR_PIN_LEN_RANGE || code == CKR_PIN_INVALID) {
            return new HsmkitException(ErrorKind.USAGE, name() + " refused the new PIN (" + (code == CKR_PIN_LEN_RANGE
                    ? "too short or too long" : "characters it does not take") + ")",
                    "choose another PIN; the SmartCard-HSM takes 6 to 16 characters", e);
        }
        return translate(what, e);
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        library.tokenClosed();
        for (Session s : sessions) {
            try {
                s.closeSession();
            } catch (PKCS11Exception ignored) {
                // the session is gone already (module re-initialised or card removed)
            }
        }
        sessions.clear();
        idle.clear();
    }

    // --- sessions, login, recovery ---

    /** What an operation does with a session. */
    @FunctionalInterface
    interface SessionWork<T> {
        T run(Session s) throws PKCS11Exception;
    }

    /**
     * Runs {@code work} in a session of this thread's own, logged in when {@code login} is set.
     * Lost sessions and removed cards lead to one more try after re-initialising the module.
     */
    <T> T call(String what, boolean login, SessionWork<T> work) {
        for (int attempt = 1;; attempt++) {
            Session s = null;
            try {
                if (login) {
                    ensureLogin();
                }
                s = borrow();
                return work.run(s);
            } catch (PKCS11Exception e) {
                // a session whose call failed may still hold an unfinished operation (a module that
                // did not end it, or a device that went away mid-call): close it rather than reuse it
                replace(s, !isGone(e.getErrorCode()));
                s = null;
                if (attempt < ATTEMPTS && isGone(e.getErrorCode())) {
                    synchronized (this) {
                        if (generation == library.generation()) {
                            library.reinitialize();
                        }
                    }
                    continue;
                }
                if (attempt < ATTEMPTS && login && e.getErrorCode() == PKCS11Constants.CKR_USER_NOT_LOGGED_IN) {
                    continue; // the login ended between the check and the operation: log in again
                }
                throw translate(what, e);
            } finally {
                giveBack(s);
            }
        }
    }

    private static final String GONE_HINT = "check that the token is connected (and, for a card, that pcscd runs), then run the command again";

    private static boolean isGone(long code) {
        return code == CKR_SESSION_HANDLE_INVALID || code == CKR_SESSION_CLOSED || code == CKR_DEVICE_REMOVED
                || code == CKR_TOKEN_NOT_PRESENT || code == CKR_TOKEN_NOT_RECOGNIZED || code == CKR_CRYPTOKI_NOT_INITIALIZED;
    }

    HsmkitException translate(String what, PKCS11Exception e) {
        long code = e.getErrorCode();
        if (code == PKCS11Constants.CKR_USER_NOT_LOGGED_IN) {
            return new HsmkitException(ErrorKind.KEY, what + " on " + name() + " needs a login the token did not keep",
                    "run the command again", e);
        }
        if (code == PKCS11Constants.CKR_TOKEN_WRITE_PROTECTED) {
            return new HsmkitException(ErrorKind.KEY, what + " failed: " + name() + " is write-protected", null, e);
        }
        if (code == PKCS11Constants.CKR_DEVICE_MEMORY) {
            return new HsmkitException(ErrorKind.KEY, what + " failed: " + name() + " is full",
                    "delete keys or certificates that are no longer needed", e);
        }
        if (what.startsWith("importing") && (code == PKCS11Constants.CKR_TEMPLATE_INCONSISTENT
                || code == PKCS11Constants.CKR_ATTRIBUTE_VALUE_INVALID || code == PKCS11Constants.CKR_ATTRIBUTE_READ_ONLY
                || code == PKCS11Constants.CKR_FUNCTION_NOT_SUPPORTED || code == PKCS11Constants.CKR_ATTRIBUTE_TYPE_INVALID)) {
            return new HsmkitException(ErrorKind.KEY, what + " failed: " + name() + " does not accept this private key ("
                    + e.getErrorName() + ")", "many HSMs only use keys generated on them: hsmkit key generate", e);
        }
        if (isGone(code)) {
            // still gone after the module was initialised again (see call)
            return HsmkitException.keyUnusable(what + " failed on " + name() + ": " + e.getErrorName(), GONE_HINT, e);
        }
        if (code == PKCS11Constants.CKR_GENERAL_ERROR && what.contains(" with the key ") && manufacturer.equals("www.CardContact.de")) {
            // OpenSC has no code of its own for the SmartCard-HSM's "use counter spent" (SW 6984)
            return new HsmkitException(ErrorKind.KEY, what + " failed on " + name() + ": " + e.getErrorName(),
                    "a SmartCard-HSM answers so for a key whose use counter is spent; 'hsmkit -t card: key list' shows the uses left", e);
        }
        if (code == PKCS11Constants.CKR_GENERAL_ERROR && manufacturer.equals("www.CardContact.de")
                && (what.startsWith("storing") || what.startsWith("writing") || what.startsWith("generating"))) {
            // nor for its "not enough memory" (SW 6A84)
            return new HsmkitException(ErrorKind.KEY, what + " failed on " + name() + ": " + e.getErrorName(),
                    "a SmartCard-HSM answers so when its memory is full: delete keys, certificates or data objects"
                    + " that are no longer needed", e);
        }
        return new HsmkitException(ErrorKind.KEY, what + " failed on " + name() + ": " + e.getErrorName(), null, e);
    }

    private synchronized Session borrow() throws PKCS11Exception {
        ensureCurrent();
        Session s = idle.pollFirst();
        if (s != null) {
            return s;
        }
        try {
            s = slot.getToken().openSession(true);
        } catch (PKCS11Exception e) {
            if (e.getErrorCode() != PKCS11Constants.CKR_TOKEN_WRITE_PROTECTED) {
                throw e;
            }
            s = slot.getToken().openSession(false);
        }
        sessions.add(s);
        return s;
    }

    private synchronized void giveBack(Session s) {
        if (s != null && sessions.contains(s) && !closed) {
            idle.addFirst(s);
        }
    }

    /**
     * Forgets a session and closes it, ignoring errors (it may be gone already). When it is the
     * last session and the token is still there, a new one is opened first: closing a process's
     * last session of a token ends its login, and the user would be asked for the PIN again.
     */
    private void replace(Session s, boolean keepLogin) {
        if (s == null) {
            return;
        }
        synchronized (this) {
            sessions.remove(s);
            idle.remove(s);
            if (keepLogin && sessions.isEmpty() && !closed) {
                try {
                    idle.addFirst(borrow());
                } catch (PKCS11Exception | RuntimeException ignored) {
                    // no new session: the next operation opens one (and logs in again if need be)
                }
            }
        }
        try {
            s.closeSession();
        } catch (PKCS11Exception | RuntimeException ignored) {
            // the module was finalised or the device removed: the session is gone anyway
        }
    }

    /** After the module was initialised again: forget sessions, find the token again. */
    private synchronized void ensureCurrent() {
        if (closed) {
            throw new IllegalStateException(name() + " is closed");
        }
        int now = library.generation();
        if (now == generation) {
            return;
        }
        sessions.clear();
        idle.clear();
        mechanisms = null;
        generation = now;
        slot = Pkcs11Tokens.findAgain(library, label, serial, manufacturer, model);
    }

    private void ensureLogin() throws PKCS11Exception {
        synchronized (library.loginLock) {
            ensureCurrent();
            if (sessionsLoggedIn()) {
                // logged in already, by this or another token object of the process; the module
                // ends a login when the process's last session of the token closes
                return;
            }
            PKCS11Exception[] failure = new PKCS11Exception[1];
            PinPolicy.login(name(), this::currentFlags, pins, allowFinalPinTry, pin -> {
                Session s = null;
                try {
                    s = borrow();
                    return tryLogin(s, CKU_USER, pin, failure);
                } catch (PKCS11Exception e) {
                    failure[0] = e;
                    return true;
                } finally {
                    giveBack(s);
                }
            });
            if (failure[0] != null) {
                throw failure[0];
            }
        }
    }

    /**
     * The PIN again for a key marked CKA_ALWAYS_AUTHENTICATE, after C_SignInit/C_DecryptInit in
     * {@code s} (C_Login with CKU_CONTEXT_SPECIFIC), under the same PIN policy as the login.
     */
    void loginForOneOperation(Session s, String keyName) throws PKCS11Exception {
        PKCS11Exception[] failure = new PKCS11Exception[1];
        PinPolicy.login(name() + " to use the key " + keyName + " (asked at each use)", this::currentFlags, pins,
                allowFinalPinTry, pin -> tryLogin(s, PKCS11Constants.CKU_CONTEXT_SPECIFIC, pin, failure));
        if (failure[0] != null) {
            throw failure[0];
        }
    }

    /**
     * One C_Login. Returns false for a wrong PIN; throws PinException for a locked or expired
     * PIN; leaves any other failure in {@code failure[0]} (returning true so the policy stops).
     */
    private boolean tryLogin(Session s, long userType, char[] pin, PKCS11Exception[] failure) {
        try {
            s.login(userType, pin);
            return true;
        } catch (PKCS11Exception e) {
            long code = e.getErrorCode();
            if (code == CKR_USER_ALREADY_LOGGED_IN) {
                return true;
            }
            if (code == CKR_PIN_INCORRECT || code == CKR_PIN_INVALID || code == CKR_PIN_LEN_RANGE) {
                return false;
            }
            if (code == CKR_PIN_LOCKED) {
                throw PinPolicy.locked(name());
            }
            if (code == CKR_PIN_EXPIRED) {
                throw new PinException("the user PIN of " + name() + " has expired and must be changed",
                        "change it: hsmkit token change-pin", null);
            }
            failure[0] = e;
            return true;
        }
    }

    /** Whether this process is logged in to the token (C_GetSessionInfo on a session of ours). */
    private boolean sessionsLoggedIn() throws PKCS11Exception {
        Session s = borrow();
        try {
            long state = s.getSessionInfo().getState();
            return state == PKCS11Constants.CKS_RO_USER_FUNCTIONS || state == PKCS11Constants.CKS_RW_USER_FUNCTIONS;
        } finally {
            giveBack(s);
        }
    }

    long currentFlags() {
        try {
            return slot.getToken().getTokenInfo().getFlags();
        } catch (PKCS11Exception e) {
            throw translate("reading the token flags", e);
        }
    }

    /** Fails unless the token lists {@code mechanism} (C_GetMechanismList). */
    void requireMechanism(long mechanism, String purpose) {
        if (!hasMechanism(mechanism)) {
            throw HsmkitException.key(name() + " does not offer " + PKCS11Constants.ckmCodeToName(mechanism)
                    + ", needed for " + purpose, "use another key type or scheme, or another token");
        }
    }

    synchronized boolean hasMechanism(long mechanism) {
        ensureCurrent();
        if (mechanisms == null) {
            long[] list = slot.getToken().getMechanismList();
            mechanisms = list == null ? new long[0] : list.clone();
        }
        for (long m : mechanisms) {
            if (m == mechanism) {
                return true;
            }
        }
        return false;
    }

    String name() {
        return "the token '" + label + "'";
    }

    String uri() {
        return Pkcs11Uri.forToken(label, manufacturer, model, serial);
    }

    // --- objects ---

    private static void requireLabel(String keyLabel) {
        if (keyLabel == null || keyLabel.isBlank()) {
            throw new HsmkitException(ErrorKind.USAGE, "a key needs a label", "pass --label TEXT");
        }
    }

    private void refuseDuplicate(Session s, String keyLabel, byte[] id) throws PKCS11Exception {
        if (id != null) {
            for (long cls : new long[] {CKO_PRIVATE_KEY, CKO_PUBLIC_KEY, CKO_CERTIFICATE}) {
                if (s.findAllObjectsSingle(new AttributeVector().class_(cls).id(id)).length > 0) {
                    throw HsmkitException.key("an object with id " + HexFormat.of().formatHex(id) + " exists on " + name(),
                            "choose another --id, or delete the old key first");
                }
            }
        }
        if (s.findAllObjectsSingle(new AttributeVector().class_(CKO_PRIVATE_KEY).label(keyLabel)).length > 0) {
            throw HsmkitException.key("a key labelled '" + keyLabel + "' exists on " + name(),
                    "choose another --label, or delete the old key first");
        }
    }

    /** The private key with this id (or, for keys without id, this label); exactly one. */
    long privateKeyHandle(Session s, byte[] id, String keyLabel) throws PKCS11Exception {
        AttributeVector template = new AttributeVector().class_(CKO_PRIVATE_KEY);
        if (id.length > 0) {
            template.id(id);
        } else {
            template.label(keyLabel);
        }
        long[] found = s.findAllObjectsSingle(template);
        if (found.length == 1) {
            return found[0];
        }
        String what = id.length > 0 ? "id " + HexFormat.of().formatHex(id) : "label '" + keyLabel + "'";
        throw HsmkitException.key(found.length == 0 ? "no private key with " + what + " on " + name()
                : found.length + " private keys with " + what + " on " + name(), "list the keys with: hsmkit key list");
    }

    private static List<Long> objectsFor(Session s, long cls, byte[] id, String keyLabel) throws PKCS11Exception {
        AttributeVector t = new AttributeVector().class_(cls);
        if (id.length > 0) {
            t.id(id);
        } else if (!keyLabel.isEmpty()) {
            t.label(keyLabel);
        } else {
            return List.of();
        }
        List<Long> out = new ArrayList<>();
        for (long h : s.findAllObjectsSingle(t)) {
            out.add(h);
        }
        return out;
    }

    private static List<Long> certificatesFor(Session s, byte[] id, String keyLabel) throws PKCS11Exception {
        return objectsFor(s, CKO_CERTIFICATE, id, keyLabel);
    }

    private List<X509Certificate> readCertificates(Session s) throws PKCS11Exception {
        List<X509Certificate> out = new ArrayList<>();
        for (long h : s.findAllObjectsSingle(new AttributeVector().class_(CKO_CERTIFICATE).certificateType(CKC_X_509))) {
            X509Certificate c = certificate(s.getAttrValues(h, CKA_VALUE).value());
            if (c != null) {
                out.add(c);
            }
        }
        return out;
    }

    private static X509Certificate certificate(byte[] der) {
        if (der == null) {
            return null;
        }
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
        } catch (CertificateException e) {
            return null; // not a certificate hsmkit can read: leave it out
        }
    }

    /**
     * Reads one private key with what belongs to it: the public key (from the public key object,
     * the certificate, or the RSA private key's public attributes) and the certificate with the
     * same CKA_ID. A key whose public key cannot be found is returned with the public key unknown;
     * null is returned for a key of a type hsmkit does not support.
     */
    private Pkcs11Key readKey(Session s, long handle, List<X509Certificate> certs) throws PKCS11Exception {
        AttributeVector a = s.getAttrValues(handle, CKA_ID, CKA_LABEL, CKA_KEY_TYPE);
        byte[] id = a.id() == null ? new byte[0] : a.id();
        String keyLabel = a.label() == null ? "" : a.label();
        Long keyType = a.keyType();
        if (keyType == null || keyType != CKK_RSA && keyType != CKK_EC) {
            return null;
        }
        PublicKey publicKey = null;
        for (long pub : objectsFor(s, CKO_PUBLIC_KEY, id, keyLabel)) {
            publicKey = publicKeyOf(s, pub, keyType);
            if (publicKey != null) {
                break;
            }
        }
        List<Long> certHandles = certificatesFor(s, id, keyLabel);
        X509Certificate cert = null;
        for (long ch : certHandles) {
            X509Certificate c = certificate(s.getAttrValues(ch, CKA_VALUE).value());
            if (c != null && (publicKey == null || KeyIds.sameKey(publicKey, c.getPublicKey()))) {
                cert = c;
                break;
            }
        }
        if (publicKey == null && cert != null) {
            publicKey = cert.getPublicKey();
        }
        if (publicKey == null) {
            publicKey = publicKeyOf(s, handle, keyType);
        }
        if (publicKey == null) {
            // listed all the same, so that it can be found, deleted or given its certificate back
            return new Pkcs11Key(this, id, keyLabel, null, null, List.of(), alwaysAuthenticate(s, handle));
        }
        KeyType type;
        try {
            type = KeyTypes.of(publicKey);
        } catch (HsmkitException e) {
            return null; // e.g. RSA-1024 or an unsupported curve: not a key hsmkit can use
        }
        List<X509Certificate> chain = cert == null ? List.of() : IssuerChain.build(cert, certs);
        return new Pkcs11Key(this, id, keyLabel, type, publicKey, chain, alwaysAuthenticate(s, handle));
    }

    /** Whether the key wants the PIN at each use (CKA_ALWAYS_AUTHENTICATE); false when the token does not say. */
    private static boolean alwaysAuthenticate(Session s, long handle) {
        try {
            return Boolean.TRUE.equals(s.getAttrValues(handle, PKCS11Constants.CKA_ALWAYS_AUTHENTICATE).alwaysAuthenticate());
        } catch (PKCS11Exception e) {
            return false;
        }
    }

    /** The public key from an object holding RSA modulus/exponent or EC params/point; null when absent. */
    private static PublicKey publicKeyOf(Session s, long handle, long keyType) throws PKCS11Exception {
        try {
            if (keyType == CKK_RSA) {
                AttributeVector a = s.getAttrValues(handle, CKA_MODULUS, CKA_PUBLIC_EXPONENT);
                if (a.modulus() == null || a.publicExponent() == null) {
                    return null;
                }
                // the JDK's RSA: Bouncy Castle's provider takes half a second to set up
                return KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(a.modulus(), a.publicExponent()));
            }
            AttributeVector a = s.getAttrValues(handle, CKA_EC_PARAMS, CKA_EC_POINT);
            byte[] params = a.ecParams();
            byte[] point = a.ecPoint();
            if (params == null || point == null) {
                return null;
            }
            ASN1ObjectIdentifier curve = ASN1ObjectIdentifier.getInstance(params);
            SubjectPublicKeyInfo spki = new SubjectPublicKeyInfo(
                    new AlgorithmIdentifier(X9ObjectIdentifiers.id_ecPublicKey, curve), bareEcPoint(point, curve));
            return KeyFactory.getInstance("EC", Providers.bc()).generatePublic(new X509EncodedKeySpec(spki.getEncoded("DER")));
        } catch (PKCS11Exception e) {
            if (e.getErrorCode() == PKCS11Constants.CKR_ATTRIBUTE_TYPE_INVALID
                    || e.getErrorCode() == PKCS11Constants.CKR_ATTRIBUTE_SENSITIVE) {
                return null;
            }
            throw e;
        } catch (GeneralSecurityException | IOException | IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * An EC point as 04‖X‖Y. The binding normally returns it so; some modules keep the DER
     * OCTET STRING around it, which is removed here. The curve's field size decides which is which.
     */
    private static byte[] bareEcPoint(byte[] point, ASN1ObjectIdentifier curve) {
        org.bouncycastle.asn1.x9.X9ECParameters x9 = ECNamedCurveTable.getByOID(curve);
        if (x9 == null) {
            return point;
        }
        int bare = 2 * ((x9.getCurve().getFieldSize() + 7) / 8) + 1;
        if (point.length == bare) {
            return point;
        }
        try {
            byte[] inner = ASN1OctetString.getInstance(point).getOctets();
            return inner.length == bare ? inner : point;
        } catch (IllegalArgumentException e) {
            return point;
        }
    }

    /** Finds a key again (after re-initialisation, or for a fresh handle) by id, else label. */
    Optional<Long> findPrivateKey(Session s, byte[] id, String keyLabel) throws PKCS11Exception {
        try {
            return Optional.of(privateKeyHandle(s, id, keyLabel));
        } catch (HsmkitException e) {
            return Optional.empty();
        }
    }

    int generation() {
        synchronized (this) {
            return generation;
        }
    }

    @Override
    public String toString() {
        return name();
    }

    static boolean isInitialised(long flags) {
        return (flags & CKF_TOKEN_INITIALIZED) != 0;
    }

    static byte[] copy(byte[] b) {
        return b == null ? new byte[0] : Arrays.copyOf(b, b.length);
    }
}
