package org.hsmkit.smime;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

import org.hsmkit.core.DigestAlgorithm;
import org.hsmkit.core.KeyType;
import org.hsmkit.core.RsaPadding;
import org.hsmkit.core.SignatureScheme;
import org.hsmkit.core.TokenKey;
import org.hsmkit.core.internal.soft.SoftKey;
import org.hsmkit.testdata.TestPki;
import org.hsmkit.testdata.TestUser;

/** Messages, keys and byte helpers shared by the S/MIME tests. */
final class TestMails {
    static final Session SESSION = Session.getInstance(new Properties());

    private TestMails() {
    }

    static TestPki pki() {
        return TestPki.standard();
    }

    static List<X509Certificate> anchors() {
        return List.of(pki().root().certificate());
    }

    static TokenKey key(TestUser user) {
        TestPki.Credential c = pki().user(user);
        return SoftKey.of(c.privateKey(), c.chain(), user.fileName());
    }

    static X509Certificate cert(TestUser user) {
        return pki().user(user).certificate();
    }

    /** A plain text message from {@code from} to {@code to}. */
    static MimeMessage text(TestUser from, TestUser to, String body) {
        try {
            MimeMessage m = new MimeMessage(SESSION);
            m.setFrom(new InternetAddress(from.email(), from.commonName(), "UTF-8"));
            m.setRecipient(MimeMessage.RecipientType.TO, new InternetAddress(to.email()));
            m.setSubject("Quarterly figures");
            m.setText(body, "UTF-8");
            m.saveChanges();
            return m;
        } catch (MessagingException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] bytes(MimeMessage m) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            m.writeTo(out);
            return out.toByteArray();
        } catch (MessagingException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static MimeMessage parse(byte[] b) {
        try {
            return new MimeMessage(SESSION, new ByteArrayInputStream(b));
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    static MimeMessage parse(String s) {
        return parse(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    static String text(MimeMessage m) {
        return new String(bytes(m), StandardCharsets.ISO_8859_1);
    }

    /** A token key that counts its private-key operations. */
    static final class CountingKey implements TokenKey {
        final TokenKey inner;
        final AtomicInteger signatures = new AtomicInteger();

        CountingKey(TokenKey inner) {
            this.inner = inner;
        }

        @Override public String label() { return inner.label(); }
        @Override public byte[] id() { return inner.id(); }
        @Override public String reference() { return inner.reference(); }
        @Override public KeyType type() { return inner.type(); }
        @Override public PublicKey publicKey() { return inner.publicKey(); }
        @Override public List<X509Certificate> certificateChain() { return inner.certificateChain(); }
        @Override public byte[] decrypt(RsaPadding padding, byte[] ciphertext) { return inner.decrypt(padding, ciphertext); }
        @Override public byte[] agree(ECPublicKey peer) { return inner.agree(peer); }

        @Override
        public byte[] signDigest(SignatureScheme scheme, DigestAlgorithm digestAlgorithm, byte[] digest) {
            signatures.incrementAndGet();
            return inner.signDigest(scheme, digestAlgorithm, digest);
        }
    }
}
