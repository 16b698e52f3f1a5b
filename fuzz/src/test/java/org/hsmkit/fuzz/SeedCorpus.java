package org.hsmkit.fuzz;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.hsmkit.core.KeyType;
import org.hsmkit.core.PinSource;
import org.hsmkit.core.RsaPadding;
import org.hsmkit.core.SignatureScheme;
import org.hsmkit.core.Token;
import org.hsmkit.core.TokenKey;
import org.hsmkit.core.TokenOptions;
import org.hsmkit.core.TokenSpec;
import org.hsmkit.core.cms.CmsEncryptor;
import org.hsmkit.core.cms.CmsSigner;
import org.hsmkit.core.cms.ContentCipher;
import org.hsmkit.core.cms.RecipientSet;
import org.hsmkit.core.internal.Providers;
import org.hsmkit.pdf.PadesSigner;
import org.hsmkit.smime.Smime;
import org.hsmkit.smime.SignedFormat;
import org.hsmkit.smime.SmimeEncryptor;
import org.hsmkit.smime.SmimeSigner;
import org.hsmkit.testdata.ExternalTool;

/**
 * Makes the seed corpora of the fuzz targets: files written by hsmkit itself and by openssl and
 * gpgsm, all for the fixed keys of {@link FuzzPki} (made here the first time). Run by
 * {@code bench/fuzz.sh seeds}; the output is committed, so a regression run needs neither tool.
 * Files named {@code regression-*} (findings of earlier campaigns) are left alone.
 */
public final class SeedCorpus {
    private final Path root;
    private final Path work;
    private FuzzPki pki;

    private SeedCorpus(Path root) throws IOException {
        this.root = root;
        this.work = Files.createTempDirectory("hsmkit-seeds-");
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 2 && args[1].equals("card")) {
            new CardSeeds(Path.of(args[0])).write(); // the card seeds alone: no openssl or gpgsm needed
            System.out.println("card seeds written to " + args[0]);
            return;
        }
        if (args.length == 2 && args[1].equals("pgp")) {
            new PgpSeeds(Path.of(args[0])).write(); // the OpenPGP seeds alone: gpg only
            System.out.println("OpenPGP seeds written to " + args[0]);
            return;
        }
        if (args.length != 1) {
            System.err.println("usage: SeedCorpus DIR [card|pgp] (DIR: testdata/src/main/resources/org/hsmkit/fuzz)");
            System.exit(2);
        }
        SeedCorpus c = new SeedCorpus(Path.of(args[0]));
        c.pki();
        c.cms();
        c.signatures();
        c.smime();
        c.pdf();
        c.tokenSpecs();
        c.certificates();
        c.pkcs12();
        c.ocspRequests();
        c.certificateRequests();
        new CardSeeds(c.root).write();
        new PgpSeeds(c.root).write();
        c.stopAgent();
        System.out.println("seeds written to " + c.root);
    }

    // --- the fixed PKI ---

    private void pki() throws Exception {
        Path dir = Files.createDirectories(root.resolve("pki"));
        if (!Files.exists(dir.resolve("root.pem"))) {
            KeyPair rootKeys = ec();
            X500Name rootName = new X500Name("CN=hsmkit Fuzz Root,O=hsmkit fuzz corpus");
            X509Certificate rootCert = issue(rootName, rootKeys.getPublic(), rootName, rootKeys.getPrivate(), true, null,
                    KeyUsage.keyCertSign | KeyUsage.cRLSign);
            KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
            rsa.initialize(2048);
            KeyPair rsaKeys = rsa.generateKeyPair();
            KeyPair ecKeys = ec();
            X509Certificate rsaCert = issue(new X500Name("CN=Fuzz RSA,O=hsmkit fuzz corpus"), rsaKeys.getPublic(), rootName,
                    rootKeys.getPrivate(), false, FuzzPki.RSA_EMAIL,
                    KeyUsage.digitalSignature | KeyUsage.nonRepudiation | KeyUsage.keyEncipherment);
            X509Certificate ecCert = issue(new X500Name("CN=Fuzz EC,O=hsmkit fuzz corpus"), ecKeys.getPublic(), rootName,
                    rootKeys.getPrivate(), false, FuzzPki.EC_EMAIL,
                    KeyUsage.digitalSignature | KeyUsage.nonRepudiation | KeyUsage.keyAgreement);
            pem(dir.resolve("root.pem"), rootCert);
            pem(dir.resolve("rsa.pem"), rsaCert);
            pem(dir.resolve("ec.pem"), ecCert);
            pem(dir.resolve("rsa.key.pem"), new JcaPKCS8Generator(rsaKeys.getPrivate(), null));
            pem(dir.resolve("ec.key.pem"), new JcaPKCS8Generator(ecKeys.getPrivate(), null));
        }
        pki = loadFrom(dir);
        for (String f : List.of("root.pem", "rsa.pem", "ec.pem", "rsa.key.pem", "ec.key.pem")) {
            Files.copy(dir.resolve(f), work.resolve(f), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        Files.write(work.resolve("signed.txt"), FuzzPki.SIGNED_CONTENT);
    }

    /** The PKI as the targets load it: from the class path, which here is the directory just written. */
    private static FuzzPki loadFrom(Path dir) {
        if (!Files.exists(dir.resolve("rsa.pem"))) {
            throw new IllegalStateException("no PKI in " + dir);
        }
        return FuzzPki.get();
    }

    private static KeyPair ec() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    private static X509Certificate issue(X500Name subject, PublicKey key, X500Name issuer, PrivateKey issuerKey, boolean ca,
            String email, int usage) throws Exception {
        Date from = Date.from(Instant.parse("2020-01-01T00:00:00Z"));
        Date to = Date.from(Instant.parse("2119-12-31T00:00:00Z"));
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer, new BigInteger(64, new java.security.SecureRandom()),
                from, to, subject, key);
        JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(usage));
        b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(key));
        if (email != null) {
            b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName(GeneralName.rfc822Name, email)));
            b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_emailProtection));
        }
        return new JcaX509CertificateConverter().getCertificate(
                b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey)));
    }

    private static void pem(Path file, Object o) throws IOException {
        try (JcaPEMWriter w = new JcaPEMWriter(Files.newBufferedWriter(file, StandardCharsets.US_ASCII))) {
            w.writeObject(o);
        }
    }

    // --- corpora ---

    private Path inputs(String target, String method) throws IOException {
        return inputs(root, target, method);
    }

    /** The seed directory of a target's method under {@code root}, emptied of earlier seeds. */
    static Path inputs(Path root, String target, String method) throws IOException {
        Path d = Files.createDirectories(root.resolve(target + "Inputs").resolve(method));
        try (var s = Files.list(d)) {
            for (Path p : s.filter(p -> p.getFileName().toString().startsWith("seed-")).toList()) {
                Files.delete(p);
            }
        }
        return d;
    }

    private void cms() throws Exception {
        Path d = inputs("CmsDecryptFuzzTest", "decrypt");
        List<byte[]> plains = FuzzPki.plaintexts();
        int i = 0;
        for (byte[] plain : plains) {
            ContentCipher cipher = List.of(ContentCipher.AES256_GCM, ContentCipher.AES256_CBC, ContentCipher.AES128_CBC).get(i % 3);
            TokenKey to = i % 2 == 0 ? pki.rsaKey : pki.ecKey;
            RsaPadding padding = i % 4 == 0 ? RsaPadding.PKCS1 : RsaPadding.OAEP_SHA256;
            Files.write(d.resolve("seed-hsmkit-" + cipher.spec() + "-" + to.label() + "-" + plain.length + ".p7m"),
                    encrypt(RecipientSet.builder().add(to).build(), cipher, padding, plain, i == 3));
            i++;
        }
        Files.write(d.resolve("seed-hsmkit-gcm-both-17.pem"),
                encrypt(RecipientSet.builder().add(pki.rsaKey).add(pki.ecKey).build(), ContentCipher.AES256_GCM, RsaPadding.OAEP_SHA256,
                        FuzzPki.plaintext(17), true));
        Files.write(work.resolve("p1000.bin"), FuzzPki.plaintext(1000));
        Files.write(work.resolve("p16.bin"), FuzzPki.plaintext(16));
        openssl("cms", "-encrypt", "-binary", "-aes-256-gcm", "-in", "p1000.bin", "-outform", "DER", "-out", "o1.p7m", "rsa.pem");
        openssl("cms", "-encrypt", "-binary", "-aes256", "-stream", "-in", "p16.bin", "-outform", "DER", "-out", "o2.p7m", "ec.pem");
        openssl("cms", "-encrypt", "-binary", "-aes128", "-in", "p16.bin", "-outform", "PEM", "-out", "o3.pem",
                "-recip", "rsa.pem", "-keyopt", "rsa_padding_mode:oaep");
        openssl("cms", "-encrypt", "-binary", "-aes-128-gcm", "-in", "p1000.bin", "-outform", "DER", "-out", "o4.p7m", "ec.pem", "rsa.pem");
        copy("o1.p7m", d.resolve("seed-openssl-gcm-rsa-1000.p7m"));
        copy("o2.p7m", d.resolve("seed-openssl-cbc-ec-ber-16.p7m"));
        copy("o3.pem", d.resolve("seed-openssl-cbc-rsa-oaep-16.pem"));
        copy("o4.p7m", d.resolve("seed-openssl-gcm-ec-rsa-1000.p7m"));
        // old mail: 3DES content, with the 3DES key wrap for the EC recipient
        openssl("cms", "-encrypt", "-binary", "-des3", "-in", "p16.bin", "-outform", "DER", "-out", "o5.p7m", "ec.pem", "rsa.pem");
        copy("o5.p7m", d.resolve("seed-openssl-3des-ec-rsa-16.p7m"));
        gpgsm(false, "--encrypt", "--cipher-algo", "AES256", "-r", FuzzPki.RSA_EMAIL, "-o", "g1.p7m", "p1000.bin");
        copy("g1.p7m", d.resolve("seed-gpgsm-cbc-rsa-1000.p7m"));
    }

    private byte[] encrypt(RecipientSet to, ContentCipher cipher, RsaPadding padding, byte[] plain, boolean armor) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CmsEncryptor.to(to).cipher(cipher).rsaPadding(padding).armor(armor).build().encrypt(new ByteArrayInputStream(plain), out);
        return out.toByteArray();
    }

    private void signatures() throws Exception {
        Path d = inputs("CmsVerifyFuzzTest", "verify");
        Files.write(d.resolve("seed-hsmkit-rsa-detached.p7s"), sign(pki.rsaKey, SignatureScheme.RSA_PKCS1, false, false));
        Files.write(d.resolve("seed-hsmkit-rsa-pss-attached.p7m"), sign(pki.rsaKey, SignatureScheme.RSA_PSS, true, false));
        Files.write(d.resolve("seed-hsmkit-ec-attached.pem"), sign(pki.ecKey, SignatureScheme.ECDSA, true, true));
        byte[] detached = sign(pki.ecKey, SignatureScheme.ECDSA, false, false);
        Files.write(d.resolve("seed-hsmkit-ec-detached.p7s"), detached);
        Files.write(root.resolve("pki").resolve("detached.p7s"), detached);
        openssl("cms", "-sign", "-binary", "-in", "signed.txt", "-signer", "rsa.pem", "-inkey", "rsa.key.pem", "-certfile", "root.pem",
                "-outform", "DER", "-out", "s1.p7s");
        openssl("cms", "-sign", "-binary", "-nodetach", "-stream", "-in", "signed.txt", "-signer", "ec.pem", "-inkey", "ec.key.pem",
                "-outform", "DER", "-out", "s2.p7m");
        openssl("cms", "-sign", "-binary", "-nodetach", "-noattr", "-in", "signed.txt", "-signer", "ec.pem", "-inkey", "ec.key.pem",
                "-outform", "PEM", "-out", "s3.pem");
        copy("s1.p7s", d.resolve("seed-openssl-rsa-detached.p7s"));
        copy("s2.p7m", d.resolve("seed-openssl-ec-attached-ber.p7m"));
        copy("s3.pem", d.resolve("seed-openssl-ec-attached-noattr.pem"));
        gpgsm(true, "-u", FuzzPki.RSA_EMAIL, "--detach-sign", "-o", "g2.p7s", "signed.txt");
        copy("g2.p7s", d.resolve("seed-gpgsm-rsa-detached.p7s"));
        Path c = inputs("CmsVerifyFuzzTest", "detachedContent");
        Files.write(c.resolve("seed-signed-content.txt"), FuzzPki.SIGNED_CONTENT);
    }

    private static byte[] sign(TokenKey key, SignatureScheme scheme, boolean attached, boolean armor) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CmsSigner.with(key).scheme(scheme).attached(attached).armor(armor).build()
                .sign(new ByteArrayInputStream(FuzzPki.SIGNED_CONTENT), out);
        return out.toByteArray();
    }

    private void smime() throws Exception {
        Path d = inputs("SmimeReadFuzzTest", "read");
        SmimeSigner rsaSigner = SmimeSigner.builder(pki.rsaKey).build();
        SmimeSigner ecOpaque = SmimeSigner.builder(pki.ecKey).format(SignedFormat.OPAQUE).build();
        mail(d, "seed-hsmkit-signed.eml", rsaSigner.sign(message(FuzzPki.RSA_EMAIL)));
        mail(d, "seed-hsmkit-signed-opaque.eml", ecOpaque.sign(message(FuzzPki.EC_EMAIL)));
        SmimeEncryptor gcm = SmimeEncryptor.builder().recipient(pki.rsaCertificate).recipient(pki.ecCertificate).build();
        mail(d, "seed-hsmkit-encrypted.eml", gcm.encrypt(message(FuzzPki.RSA_EMAIL)));
        SmimeEncryptor cbc = SmimeEncryptor.builder().recipient(pki.ecCertificate).cipher(ContentCipher.AES256_CBC).compress(true).build();
        mail(d, "seed-hsmkit-compressed-cbc.eml", cbc.encrypt(message(FuzzPki.EC_EMAIL)));
        mail(d, "seed-hsmkit-signed-encrypted.eml", Smime.signAndEncrypt(message(FuzzPki.RSA_EMAIL), rsaSigner,
                SmimeEncryptor.builder().recipient(pki.rsaCertificate).build()));
        Files.writeString(work.resolve("body.txt"), "Content-Type: text/plain; charset=us-ascii\r\n\r\n" + FuzzPki.MAIL_BODY + "\r\n");
        openssl("smime", "-sign", "-in", "body.txt", "-signer", "ec.pem", "-inkey", "ec.key.pem", "-from", FuzzPki.EC_EMAIL,
                "-to", FuzzPki.RSA_EMAIL, "-subject", "fuzz", "-out", "m1.eml");
        openssl("smime", "-encrypt", "-aes256", "-in", "body.txt", "-from", FuzzPki.EC_EMAIL, "-to", FuzzPki.RSA_EMAIL, "-out", "m2.eml",
                "rsa.pem");
        copy("m1.eml", d.resolve("seed-openssl-signed.eml"));
        copy("m2.eml", d.resolve("seed-openssl-encrypted.eml"));
    }

    private static MimeMessage message(String from) throws Exception {
        MimeMessage m = new MimeMessage(Session.getInstance(new Properties()));
        m.setFrom(new InternetAddress(from));
        m.setRecipient(MimeMessage.RecipientType.TO, new InternetAddress(FuzzPki.RSA_EMAIL));
        m.setSubject("fuzz corpus");
        m.setText(FuzzPki.MAIL_BODY, "US-ASCII");
        m.saveChanges();
        return m;
    }

    private static void mail(Path dir, String name, MimeMessage m) throws Exception {
        try (OutputStream out = Files.newOutputStream(dir.resolve(name))) {
            m.writeTo(out);
        }
    }

    private void pdf() throws Exception {
        Path d = inputs("PdfVerifyFuzzTest", "verify");
        Path blank = work.resolve("blank.pdf");
        try (PDDocument doc = new PDDocument()) {
            doc.addPage(new PDPage());
            doc.save(blank.toFile());
        }
        Files.copy(blank, d.resolve("seed-unsigned.pdf"));
        Path once = work.resolve("once.pdf");
        PadesSigner.builder(pki.ecKey).build().sign(blank, once, true);
        Files.copy(once, d.resolve("seed-hsmkit-ec-b-b.pdf"));
        Path twice = work.resolve("twice.pdf");
        PadesSigner.builder(pki.rsaKey).build().sign(once, twice, true);
        Files.copy(twice, d.resolve("seed-hsmkit-two-signatures.pdf"));
    }

    private void tokenSpecs() throws IOException {
        Path d = inputs("TokenSpecFuzzTest", "parse");
        List<String> specs = List.of("soft", "soft:/tmp/token.p12", "pkcs11:token=SmartCard-HSM",
                "pkcs11:token=SmartCard-HSM%20(UserPIN);object=mail;id=%01%02;type=private",
                "pkcs11:serial=DENK0100000;slot-id=0;manufacturer=www.CardContact.de;model=PKCS%2315%20emulated",
                "pkcs11:slot-description=Reader%200;library-manufacturer=OpenSC?module-path=/usr/lib/opensc-pkcs11.so&pin-source=file:/tmp/pin",
                "PKCS11:object=a%2Fb;x-vendor=1", "pkcs11:id=%ff%00%7F;type=cert", "mail", "pkcs11:");
        int i = 0;
        for (String s : specs) {
            Files.writeString(d.resolve("seed-" + (i++)), s, StandardCharsets.UTF_8);
        }
    }

    private void certificates() throws Exception {
        Path d = inputs("CertificateFuzzTest", "read");
        Files.copy(work.resolve("rsa.pem"), d.resolve("seed-rsa.pem"));
        openssl("x509", "-in", "ec.pem", "-outform", "DER", "-out", "ec.der");
        copy("ec.der", d.resolve("seed-ec.der"));
        Files.writeString(work.resolve("chain.pem"), Files.readString(work.resolve("ec.pem")) + Files.readString(work.resolve("root.pem")));
        copy("chain.pem", d.resolve("seed-chain.pem"));
        openssl("crl2pkcs7", "-nocrl", "-certfile", "chain.pem", "-outform", "DER", "-out", "chain.p7b");
        copy("chain.p7b", d.resolve("seed-chain.p7b"));
        openssl("crl2pkcs7", "-nocrl", "-certfile", "rsa.pem", "-out", "rsa.p7b.pem");
        copy("rsa.p7b.pem", d.resolve("seed-rsa-p7b.pem"));
    }

    /** openssl's OCSP requests to the CA of {@link OcspRequestFuzzTest} (the corpus EC certificate's name and key). */
    private void ocspRequests() throws Exception {
        Path d = inputs("OcspRequestFuzzTest", "respond");
        openssl("ocsp", "-issuer", "ec.pem", "-serial", "1", "-reqout", "o1.der");
        openssl("ocsp", "-issuer", "ec.pem", "-serial", "0x1234567890abcdef", "-no_nonce", "-reqout", "o2.der");
        openssl("ocsp", "-issuer", "ec.pem", "-serial", "7", "-serial", "8", "-issuer", "root.pem", "-cert", "ec.pem", "-reqout", "o3.der");
        openssl("ocsp", "-issuer", "root.pem", "-cert", "rsa.pem", "-reqout", "o4.der");
        openssl("ocsp", "-sha256", "-issuer", "ec.pem", "-serial", "2", "-reqout", "o5.der");
        copy("o1.der", d.resolve("seed-openssl-one-with-nonce.der"));
        copy("o2.der", d.resolve("seed-openssl-one-without-nonce.der"));
        copy("o3.der", d.resolve("seed-openssl-three-two-issuers.der"));
        copy("o4.der", d.resolve("seed-openssl-other-issuer.der"));
        copy("o5.der", d.resolve("seed-openssl-sha256-id.der"));
    }

    /** openssl's certificate requests, each behind the byte that picks its profile (smime = 0 … sub-ca = 5). */
    private void certificateRequests() throws Exception {
        Path d = inputs("CertificateRequestFuzzTest", "plan");
        String ec = "ec_paramgen_curve:P-256";
        request(d, 0, "seed-openssl-smime-ec.pem", "PEM", "ec", ec, "/CN=Mail User/O=Example", "subjectAltName=email:user@example.org");
        request(d, 1, "seed-openssl-tls-client-rsa.der", "DER", "rsa:2048", null, "/CN=client");
        request(d, 2, "seed-openssl-tls-server-p384-names.der", "DER", "ec", "ec_paramgen_curve:P-384", "/CN=www.example.org",
                "subjectAltName=DNS:www.example.org,DNS:example.org,IP:192.0.2.7");
        request(d, 3, "seed-openssl-code-signing-usages.pem", "PEM", "ec", ec, "/CN=Code Signer/O=Example",
                "keyUsage=critical,digitalSignature", "extendedKeyUsage=codeSigning");
        request(d, 4, "seed-openssl-ocsp-signer.der", "DER", "ec", ec, "/CN=OCSP Responder");
        request(d, 5, "seed-openssl-sub-ca.der", "DER", "ec", ec, "/CN=Sub CA/O=Example", "basicConstraints=critical,CA:TRUE,pathlen:0");
        request(d, 0, "seed-openssl-smime-many-names.pem", "PEM", "ec", ec, "/CN=Many Names",
                "subjectAltName=email:a@example.org,URI:https://example.org/x,DNS:x.example.org,IP:2001:db8::1,"
                        + "otherName:1.3.6.1.4.1.311.20.2.3;UTF8:upn@example.org",
                "extendedKeyUsage=emailProtection,clientAuth");
    }

    private void request(Path dir, int profile, String name, String form, String key, String keyOption, String subject,
            String... extensions) throws IOException {
        List<String> args = new ArrayList<>(List.of("req", "-new", "-nodes", "-newkey", key, "-keyout", "csr.key", "-subj", subject,
                "-outform", form, "-out", "csr.out"));
        if (keyOption != null) {
            args.addAll(List.of("-pkeyopt", keyOption));
        }
        for (String e : extensions) {
            args.addAll(List.of("-addext", e));
        }
        openssl(args.toArray(String[]::new));
        byte[] csr = Files.readAllBytes(work.resolve("csr.out"));
        byte[] seed = new byte[csr.length + 1];
        seed[0] = (byte) profile;
        System.arraycopy(csr, 0, seed, 1, csr.length);
        Files.write(dir.resolve(name), seed);
    }

    private void pkcs12() throws Exception {
        Path d = inputs("Pkcs12FuzzTest", "open");
        String pass = "pass:" + FuzzPki.PASSPHRASE;
        openssl("pkcs12", "-export", "-in", "ec.pem", "-inkey", "ec.key.pem", "-certfile", "root.pem", "-name", "ec", "-passout", pass,
                "-iter", "1", "-macalg", "sha256", "-maciter", "-out", "p1.p12");
        openssl("pkcs12", "-export", "-in", "rsa.pem", "-inkey", "rsa.key.pem", "-name", "rsa", "-passout", pass, "-iter", "1", "-nomac",
                "-out", "p2.p12");
        openssl("pkcs12", "-export", "-in", "ec.pem", "-inkey", "ec.key.pem", "-name", "legacy", "-passout", pass, "-keypbe",
                "PBE-SHA1-3DES", "-certpbe", "PBE-SHA1-3DES", "-macalg", "sha1", "-iter", "1", "-out", "p3.p12");
        copy("p1.p12", d.resolve("seed-openssl-ec-chain.p12"));
        copy("p2.p12", d.resolve("seed-openssl-rsa-nomac.p12"));
        copy("p3.p12", d.resolve("seed-openssl-ec-legacy.p12"));
        Path soft = work.resolve("soft.p12");
        try (Token t = TokenSpec.parse("soft:" + soft).open(TokenOptions.withPins(PinSource.of(FuzzPki.PASSPHRASE.toCharArray())))) {
            t.generateKey(KeyType.EC_P256, "generated", null);
        }
        Files.copy(soft, d.resolve("seed-hsmkit-soft-token.p12"));
    }

    // --- tools ---

    private void openssl(String... args) {
        List<String> cmd = new ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args));
        ExternalTool.run(work, null, Map.of(), cmd).requireSuccess();
    }

    private Path gnupgHome;

    private void gpgsm(boolean secret, String... args) throws Exception {
        if (gnupgHome == null) {
            gnupgHome = Files.createTempDirectory(Path.of("/tmp"), "gsm");
            Files.writeString(gnupgHome.resolve("gpg-agent.conf"), "allow-loopback-pinentry\n");
            openssl("pkcs12", "-export", "-in", "rsa.pem", "-inkey", "rsa.key.pem", "-out", "legacy.p12", "-passout",
                    "pass:" + FuzzPki.PASSPHRASE, "-keypbe", "PBE-SHA1-3DES", "-certpbe", "PBE-SHA1-3DES", "-macalg", "sha1");
            runGpgsm(true, "--import", "root.pem");
            runGpgsm(true, "--import", "legacy.p12");
            String colons = runGpgsm(false, "--with-colons", "--list-keys", "hsmkit Fuzz Root");
            String fpr = colons.lines().filter(l -> l.startsWith("fpr:")).findFirst().orElseThrow().split(":")[9];
            Files.writeString(gnupgHome.resolve("trustlist.txt"), fpr + " S relax\n");
        }
        runGpgsm(secret, args);
    }

    private void stopAgent() {
        if (gnupgHome != null) {
            ExternalTool.run(work, null, Map.of("GNUPGHOME", gnupgHome.toString()), List.of("gpgconf", "--kill", "gpg-agent"));
        }
    }

    private String runGpgsm(boolean passphrase, String... args) {
        List<String> cmd = new ArrayList<>(List.of("gpgsm", "--batch", "--disable-crl-checks", "--disable-dirmngr"));
        if (passphrase) {
            cmd.addAll(List.of("--pinentry-mode", "loopback", "--passphrase-fd", "0"));
        }
        cmd.addAll(List.of(args));
        byte[] stdin = passphrase ? (FuzzPki.PASSPHRASE + "\n").getBytes(StandardCharsets.UTF_8) : null;
        return ExternalTool.run(work, stdin, Map.of("GNUPGHOME", gnupgHome.toString()), cmd).requireSuccess().stdoutText();
    }

    private void copy(String name, Path to) throws IOException {
        Files.copy(work.resolve(name), to, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
}
