package org.hsmkit.core.ca;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Optional;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.CRLNumber;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CRLHolder;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.hsmkit.core.DigestAlgorithm;
import org.hsmkit.core.ErrorKind;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.SignatureScheme;
import org.hsmkit.core.TokenKey;
import org.hsmkit.core.internal.Providers;
import org.hsmkit.core.internal.ca.CaDatabase;
import org.hsmkit.core.internal.ca.CaFiles;
import org.hsmkit.core.internal.ca.CertificateRequests;
import org.hsmkit.core.internal.ca.ExtensionText;
import org.hsmkit.core.internal.ca.ProfileRules;
import org.hsmkit.core.internal.soft.KeyIds;

/**
 * A small certificate authority whose key is any {@link TokenKey}: it signs certificates and CRLs
 * through {@link TokenKey#contentSigner}, so the key never leaves its token. Its state is one
 * directory: {@code ca.conf} ({@link CaSettings}), {@code ca.crt} (its certificate),
 * {@code chain.pem} (its certificate and issuers) and {@code ca.db}, the issuance database.
 *
 * <p>Guarantees: a certificate is signed inside the database transaction that records it, so
 * every certificate that leaves this class has its record (kill the process at any moment: there
 * is a committed record with its certificate, or neither); serial numbers are 16 random bytes,
 * positive, checked unused under the database's write lock, never reused; two processes on the
 * same directory take turns. The CA certificate is checked against the key at opening, and every
 * signature the token returns is verified before it is stored.
 *
 * <p>Made by {@link #init}, {@link #initIntermediate} and {@link #importCertificate}; opened by
 * {@link #open} (to sign) or {@link #openRecords} (to list, revoke and answer OCSP with a delegated
 * signer, without the CA key). Use from one thread at a time.
 */
public final class CertificateAuthority implements AutoCloseable {
    public static final String CERTIFICATE_FILE = "ca.crt";
    public static final String CHAIN_FILE = "chain.pem";
    public static final String REQUEST_FILE = "ca.csr";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path dir;
    private final CaSettings settings;
    private final TokenKey key;
    private final X509Certificate certificate;
    private final List<X509Certificate> chain;
    private final CaDatabase db;

    private CertificateAuthority(Path dir, CaSettings settings, TokenKey key, X509Certificate certificate,
            List<X509Certificate> chain, CaDatabase db) {
        this.dir = dir;
        this.settings = settings;
        this.key = key;
        this.certificate = certificate;
        this.chain = chain;
        this.db = db;
    }

    // --- making a CA ---

    /**
     * Makes a root CA in {@code dir} (created when missing; it must not be a CA already): a
     * self-signed certificate on {@code key} with key usage keyCertSign, cRLSign and
     * digitalSignature (to sign OCSP responses itself), and an empty issuance database.
     *
     * @param pathLength how many intermediate CAs may follow; empty for no limit
     */
    public static X509Certificate init(Path dir, TokenKey key, X500Name subject, Validity validity, Optional<Integer> pathLength,
            CaSettings settings) {
        return CaCreation.root(dir, key, subject, validity, pathLength, settings);
    }

    /**
     * Makes an intermediate CA in {@code dir} that waits for its certificate: writes a request
     * ({@code ca.csr}, asking for a CA certificate with the CA key usages and the path length)
     * signed by {@code key}, and an empty database. Have another CA sign it (for example
     * {@code hsmkit ca issue --profile sub-ca}), then {@link #importCertificate}.
     */
    public static PKCS10CertificationRequest initIntermediate(Path dir, TokenKey key, X500Name subject,
            Optional<Integer> pathLength, CaSettings settings) {
        return CaCreation.intermediate(dir, key, subject, pathLength, settings);
    }

    /**
     * Gives an intermediate CA made by {@link #initIntermediate} (or a CA whose certificate is
     * renewed) its certificate: the one among {@code certificates} whose public key is the CA key's,
     * which must be a CA certificate allowed to sign certificates and currently valid. The others
     * are kept as its issuers in {@code chain.pem}.
     */
    public static X509Certificate importCertificate(Path dir, TokenKey key, List<X509Certificate> certificates) {
        return CaCreation.importCertificate(dir, key, certificates);
    }

    // --- opening ---

    /**
     * Opens the CA in {@code dir} to sign with {@code key}.
     *
     * @throws HsmkitException KEY when the CA certificate is not the key's; INPUT when the directory
     *         is no CA or has no certificate yet
     */
    public static CertificateAuthority open(Path dir, TokenKey key) {
        CaSettings settings = CaSettings.read(dir);
        List<X509Certificate> chain = readChain(dir);
        if (!sameKey(chain.get(0), key)) {
            throw HsmkitException.key("the CA certificate " + dir.resolve(CERTIFICATE_FILE) + " (" + subject(chain.get(0))
                    + ") is not for the key " + describe(key) + ": their public keys differ",
                    "check 'key' in " + dir.resolve(CaSettings.FILE) + " and the token (-t), or import the right certificate with 'hsmkit ca import-cert'");
        }
        return new CertificateAuthority(dir, settings, key, chain.get(0), chain, CaDatabase.open(dir.resolve(CaDatabase.FILE)));
    }

    /** Opens the CA in {@code dir} without its key: to list, revoke, export, or answer OCSP with a delegated signer. */
    public static CertificateAuthority openRecords(Path dir) {
        CaSettings settings = CaSettings.read(dir);
        List<X509Certificate> chain = readChain(dir);
        return new CertificateAuthority(dir, settings, null, chain.get(0), chain, CaDatabase.open(dir.resolve(CaDatabase.FILE)));
    }

    private static List<X509Certificate> readChain(Path dir) {
        Path cert = dir.resolve(CERTIFICATE_FILE);
        if (!Files.exists(cert)) {
            throw HsmkitException.input("the CA in " + dir + " has no certificate yet",
                    Files.exists(dir.resolve(REQUEST_FILE)) ? "have " + dir.resolve(REQUEST_FILE)
                            + " signed, then 'hsmkit ca import-cert CERTFILE'" : "restore " + cert + " from a backup");
        }
        List<X509Certificate> own = org.hsmkit.core.cms.CertificateFile.read(cert);
        List<X509Certificate> chain = new ArrayList<>(own.subList(0, 1));
        Path chainFile = dir.resolve(CHAIN_FILE);
        if (Files.exists(chainFile)) {
            for (X509Certificate c : org.hsmkit.core.cms.CertificateFile.read(chainFile)) {
                if (!c.equals(own.get(0))) {
                    chain.add(c);
                }
            }
        }
        return List.copyOf(chain);
    }

    public Path directory() {
        return dir;
    }

    public CaSettings settings() {
        return settings;
    }

    /** The CA's certificate. */
    public X509Certificate certificate() {
        return certificate;
    }

    /** The CA's certificate followed by its issuers' as far as known. */
    public List<X509Certificate> chain() {
        return chain;
    }

    /** The CA key, when opened with it. */
    public Optional<TokenKey> key() {
        return Optional.ofNullable(key);
    }

    // --- issuing ---

    /**
     * Checks a request and says what would be signed: the request's signature, its key (RSA of at
     * least 2048 bits or EC on a known curve, not the CA's own key, not certified for another
     * subject and unrevoked), what it asks for against the profile, the names the profile needs,
     * and the validity against the CA's own.
     */
    public IssuancePlan plan(IssueRequest request) {
        PKCS10CertificationRequest csr = request.csr();
        String name = request.name();
        CertificateRequests.requireValidSignature(csr, name);
        SubjectPublicKeyInfo spki = csr.getSubjectPublicKeyInfo();
        String keyText = CertificateRequests.requireAcceptableKey(spki);
        boolean rsa = CertificateRequests.isRsa(spki);
        if (Arrays.equals(spki.getPublicKeyData().getBytes(),
                SubjectPublicKeyInfo.getInstance(certificate.getPublicKey().getEncoded()).getPublicKeyData().getBytes())) {
            throw HsmkitException.input("the request " + name + " is for the CA's own key; nothing was issued",
                    "a CA key certifies others: make a separate key for " + request.profile() + " use");
        }
        Extensions asked = CertificateRequests.requestedExtensions(csr);
        ProfileRules.requireAllowed(request.profile(), rsa, asked, name);
        GeneralNames names = names(asked, request.extraNames());
        X500Name subject = csr.getSubject();
        requireNames(request.profile(), subject, names, name);
        Integer pathLength = null;
        if (request.profile().isCa()) {
            pathLength = request.pathLength().orElse(0);
            int mine = certificate.getBasicConstraints();
            if (mine != Integer.MAX_VALUE && pathLength >= mine) {
                throw HsmkitException.input("this CA allows " + mine + " CA(s) below it, so it cannot issue a CA certificate"
                        + " with path length " + pathLength + "; nothing was issued", mine == 0
                        ? "this CA can only issue end-entity certificates" : "give --path-length " + (mine - 1) + " or less");
            }
        } else if (request.pathLength().isPresent()) {
            throw new HsmkitException(ErrorKind.USAGE, "--path-length applies to the sub-ca profile only", "leave it out");
        }
        Validity validity = request.validity().orElse(settings.certificateValidity());
        Instant now = Instant.now();
        requireCurrent(certificate, now);
        requireWithinCa(validity, now);
        String keyHash = CertificateRequests.keyHash(spki);
        requireKeyFree(db.unrevokedSubjectsOfKeyChecked(keyHash), subject, name);
        List<Extension> extensions = ProfileRules.extensions(request.profile(), spki, certificate, settings, names,
                subject.getRDNs().length == 0, pathLength);
        List<String> text = new ArrayList<>();
        text.add("request: " + name + " (signature verified)");
        text.add("profile: " + request.profile());
        text.add("issuer: " + subject(certificate));
        text.add("subject: " + X500Name.getInstance(BCStyle.INSTANCE, subject));
        text.add("public key: " + keyText);
        text.add("validity: " + validity + " from issuance (until about " + validity.after(now).truncatedTo(ChronoUnit.SECONDS) + ")");
        text.add("serial: 16 random bytes, drawn at issuance");
        text.add("signature: " + signatureName() + " by the CA key");
        text.addAll(ExtensionText.describe(extensions));
        return new IssuancePlan(this, name, request.profile(), subject, spki, keyText, keyHash, names, extensions, validity, text);
    }

    /**
     * Signs a plan made by this CA and records the certificate, in one transaction; returns the
     * certificate, already verified against the CA certificate's key.
     */
    public X509Certificate issue(IssuancePlan plan) {
        requireKey("issue certificates");
        if (plan.ca != this) {
            throw new IllegalArgumentException("a plan made by another CertificateAuthority");
        }
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        requireCurrent(certificate, now);
        requireWithinCa(plan.validity, now);
        Instant notBefore = now.minus(1, ChronoUnit.MINUTES);
        Instant notAfter = plan.validity.after(now);
        return db.write(d -> {
            requireKeyFree(d.unrevokedSubjectsOfKey(plan.keyHash), plan.subject, plan.requestName());
            BigInteger serial = newSerial();
            while (d.serialExists(serial)) {
                serial = newSerial();
            }
            X509v3CertificateBuilder b = new X509v3CertificateBuilder(issuerName(), serial, Date.from(notBefore),
                    Date.from(notAfter), plan.subject, plan.publicKey);
            try {
                for (Extension e : plan.extensions) {
                    b.addExtension(e);
                }
            } catch (org.bouncycastle.cert.CertIOException e) {
                throw new IllegalStateException(e);
            }
            X509CertificateHolder holder = b.build(signer(key));
            X509Certificate cert = CaFiles.certificate(holder);
            requireSignedBy(cert, key);
            d.insert(serial, X500Name.getInstance(BCStyle.INSTANCE, plan.subject).toString(), encoded(plan.subject), plan.keyHash,
                    plan.profile().cliName(), notBefore.toEpochMilli(), notAfter.toEpochMilli(), now.toEpochMilli(),
                    encoded(holder));
            return cert;
        });
    }

    private static GeneralNames names(Extensions asked, List<GeneralName> extra) {
        List<GeneralName> all = new ArrayList<>();
        GeneralNames requested = asked == null ? null : GeneralNames.fromExtensions(asked, Extension.subjectAlternativeName);
        if (requested != null) {
            all.addAll(Arrays.asList(requested.getNames()));
        }
        for (GeneralName g : extra) {
            if (!all.contains(g)) {
                all.add(g);
            }
        }
        return all.isEmpty() ? null : new GeneralNames(all.toArray(GeneralName[]::new));
    }

    private static void requireNames(Profile p, X500Name subject, GeneralNames names, String name) {
        List<GeneralName> list = names == null ? List.of() : Arrays.asList(names.getNames());
        if (p == Profile.SMIME && list.stream().noneMatch(g -> g.getTagNo() == GeneralName.rfc822Name)) {
            // openssl req -subj '/CN=…/emailAddress=…' puts it there; RFC 8550 has agents look in the alternative names
            org.bouncycastle.asn1.x500.RDN[] inSubject = subject.getRDNs(BCStyle.E);
            if (inSubject.length > 0) {
                String address = org.bouncycastle.asn1.x500.style.IETFUtils.valueToString(inSubject[0].getFirst().getValue());
                throw HsmkitException.input("the request " + name + " names the e-mail address " + address
                        + " only in its subject (E=), where S/MIME agents do not look for it; nothing was issued",
                        "issue it with --san email:" + address);
            }
            throw HsmkitException.input("the request " + name + " names no e-mail address, which an S/MIME certificate needs;"
                    + " nothing was issued", "add one with --san email:ADDRESS");
        }
        if (p == Profile.TLS_SERVER && list.stream().noneMatch(g -> g.getTagNo() == GeneralName.dNSName
                || g.getTagNo() == GeneralName.iPAddress)) {
            throw HsmkitException.input("the request " + name + " names no DNS name or IP address, which a TLS server"
                    + " certificate needs (clients ignore the common name); nothing was issued", "add them with --san dns:HOST,ip:ADDRESS");
        }
        if (subject.getRDNs().length == 0 && list.isEmpty()) {
            throw HsmkitException.input("the request " + name + " has neither a subject nor alternative names; nothing was issued",
                    "give the holder's names in the request or with --san");
        }
    }

    private void requireKeyFree(List<byte[]> subjectsOfKey, X500Name subject, String name) {
        byte[] mine = encoded(subject);
        for (byte[] other : subjectsOfKey) {
            if (!Arrays.equals(other, mine)) {
                throw HsmkitException.input("the key of the request " + name + " is certified already, unrevoked, for "
                        + X500Name.getInstance(BCStyle.INSTANCE, X500Name.getInstance(other)) + "; nothing was issued",
                        "one key, one holder: ask for a request with a new key, or revoke the other certificate first");
            }
        }
    }

    private void requireWithinCa(Validity validity, Instant now) {
        Instant end = validity.after(now);
        if (end.isAfter(certificate.getNotAfter().toInstant())) {
            throw HsmkitException.input("a certificate valid " + validity + " would outlive the CA certificate, which ends "
                    + certificate.getNotAfter().toInstant() + "; nothing was issued",
                    "give a shorter --validity (relying parties reject a certificate that outlives its issuer)");
        }
    }

    // --- revocation ---

    /**
     * Marks a certificate revoked now; the next CRL and every OCSP answer from now on say so. Needs
     * no CA key.
     *
     * @throws HsmkitException INPUT when the serial is unknown or already revoked
     */
    public IssuedCertificate revoke(BigInteger serial, RevocationReason reason) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        return db.write(d -> {
            CaDatabase.Row row = d.find(serial).orElseThrow(() -> HsmkitException.input("this CA issued no certificate with serial "
                    + CertificateRequests.serialText(serial), "'hsmkit ca list' shows the serials"));
            if (row.revokedAt() != null) {
                throw HsmkitException.input("the certificate " + CertificateRequests.serialText(serial) + " (" + row.subject()
                        + ") was revoked already, at " + Instant.ofEpochMilli(row.revokedAt()), "nothing to do");
            }
            d.revoke(serial, now.toEpochMilli(), reason.code());
            return record(new CaDatabase.Row(row.serial(), row.subject(), row.profile(), row.notBefore(), row.notAfter(),
                    row.issuedAt(), now.toEpochMilli(), reason.code(), null));
        });
    }

    /**
     * Makes, records and returns a new CRL: every revoked certificate that has not expired, with
     * its reason code (none for unspecified), the next CRL number, this update now and next update
     * after the configured {@code crl.next-update}.
     */
    public X509CRL crl() {
        requireKey("sign a CRL");
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        requireCurrent(certificate, now);
        Instant next = settings.crlValidity().after(now);
        return db.write(d -> {
            BigInteger number = d.nextCrlNumber();
            X509v2CRLBuilder b = new X509v2CRLBuilder(issuerName(), Date.from(now));
            b.setNextUpdate(Date.from(next));
            for (CaDatabase.Row r : d.revokedUnexpired(now.toEpochMilli())) {
                b.addCRLEntry(r.serial(), new Date(r.revokedAt()), r.reason() == null ? 0 : r.reason());
            }
            try {
                b.addExtension(Extension.cRLNumber, false, new CRLNumber(number));
                b.addExtension(Extension.authorityKeyIdentifier, false, ProfileRules.authorityKeyIdentifier(certificate));
            } catch (org.bouncycastle.cert.CertIOException e) {
                throw new IllegalStateException(e);
            }
            X509CRLHolder holder = b.build(signer(key));
            X509CRL crl = org.hsmkit.core.internal.ca.CrlCodec.decode(encoded(holder));
            if (!org.hsmkit.core.internal.ca.CrlCodec.verifies(crl, certificate.getPublicKey())) {
                throw HsmkitException.key("the token's signature on the CRL does not verify with the CA certificate",
                        "check that the CA key " + describe(key) + " is the CA certificate's key");
            }
            d.insertCrl(number, now.toEpochMilli(), next.toEpochMilli(), encoded(holder));
            return crl;
        });
    }

    /** The newest CRL made by {@link #crl()}, if any. */
    public Optional<X509CRL> latestCrl() {
        return db.latestCrl().map(org.hsmkit.core.internal.ca.CrlCodec::decode);
    }

    // --- records ---

    /** Every certificate issued, oldest first. */
    public List<IssuedCertificate> list() {
        return db.all().stream().map(CertificateAuthority::record).toList();
    }

    public Optional<IssuedCertificate> find(BigInteger serial) {
        return db.find(serial).map(CertificateAuthority::record);
    }

    /** The issued certificate itself, as recorded. */
    public Optional<X509Certificate> issuedCertificate(BigInteger serial) {
        return db.find(serial).map(r -> {
            try {
                return CaFiles.certificate(new X509CertificateHolder(r.der()));
            } catch (java.io.IOException e) {
                throw HsmkitException.input("the record of " + CertificateRequests.serialText(serial) + " holds no readable certificate",
                        "restore " + dir.resolve(CaDatabase.FILE) + " from a backup");
            }
        });
    }

    /** SQLite's integrity check of the issuance database: {@code ok} or what is wrong. */
    public String checkDatabase() {
        return db.integrityCheck();
    }

    private static IssuedCertificate record(CaDatabase.Row r) {
        return new IssuedCertificate(r.serial(), r.subject(), r.profile(), Instant.ofEpochMilli(r.notBefore()),
                Instant.ofEpochMilli(r.notAfter()), Instant.ofEpochMilli(r.issuedAt()),
                Optional.ofNullable(r.revokedAt()).map(Instant::ofEpochMilli),
                Optional.ofNullable(r.reason()).map(RevocationReason::ofCode));
    }

    // --- helpers ---

    X500Name issuerName() {
        return X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded());
    }

    private String signatureName() {
        try {
            org.hsmkit.core.KeyType t = key != null ? key.type()
                    : org.hsmkit.core.internal.soft.KeyTypes.of(certificate.getPublicKey());
            return (t.isRsa() ? "RSA PKCS#1 v1.5" : "ECDSA") + " with " + DigestAlgorithm.forKey(t).jcaName();
        } catch (HsmkitException e) {
            return "the CA key's";
        }
    }

    static ContentSigner signer(TokenKey key) {
        return key.contentSigner(SignatureScheme.defaultFor(key.type()), DigestAlgorithm.forKey(key.type()));
    }

    private void requireKey(String what) {
        if (key == null) {
            throw new IllegalStateException("opened without the CA key: cannot " + what);
        }
    }

    static void requireSignedBy(X509Certificate cert, TokenKey key) {
        if (!Providers.verifies(cert, key.publicKey())) {
            throw HsmkitException.key("the token's signature does not verify with the public key of the " + describe(key),
                    "the token may hold another public key for " + describe(key) + "; check with 'hsmkit key list'");
        }
    }

    static void requireCurrent(X509Certificate ca, Instant now) {
        if (now.isAfter(ca.getNotAfter().toInstant())) {
            throw HsmkitException.input("the CA certificate " + subject(ca) + " expired on " + ca.getNotAfter().toInstant()
                    + "; nothing was signed", "a CA cannot sign once its certificate has expired: renew it (ca init --csr"
                    + " in a new directory, or have its issuer sign a new one and 'hsmkit ca import-cert')");
        }
        if (now.isBefore(ca.getNotBefore().toInstant())) {
            throw HsmkitException.input("the CA certificate " + subject(ca) + " is valid only from " + ca.getNotBefore().toInstant(),
                    "check this computer's clock");
        }
    }

    static boolean sameKey(X509Certificate c, TokenKey key) {
        return KeyIds.sameKey(c.getPublicKey(), key.publicKey());
    }

    static String subject(X509Certificate c) {
        return X500Name.getInstance(BCStyle.INSTANCE, c.getSubjectX500Principal().getEncoded()).toString();
    }

    static String describe(TokenKey k) {
        return k.type().spec() + " key '" + k.label() + "'";
    }

    static BigInteger newSerial() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        // positive, and always 16 bytes in DER: the top bit clear, the next one set
        b[0] = (byte) ((b[0] & 0x7f) | 0x40);
        return new BigInteger(1, b);
    }

    private static byte[] encoded(Object asn1) {
        try {
            if (asn1 instanceof X509CertificateHolder h) {
                return h.getEncoded();
            }
            if (asn1 instanceof X509CRLHolder h) {
                return h.getEncoded();
            }
            return ((org.bouncycastle.asn1.ASN1Object) asn1).getEncoded("DER");
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        db.close();
    }

    @Override
    public String toString() {
        return "CA " + subject(certificate) + " in " + dir;
    }
}
