package org.hsmkit.core.internal.pkcs11;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.hsmkit.core.DigestAlgorithm;
import org.hsmkit.core.KeyType;
import org.hsmkit.core.RsaPadding;
import org.hsmkit.core.SignatureScheme;
import org.hsmkit.core.internal.Providers;
import org.hsmkit.testdata.ExternalTool;

/** The openssl command line as an independent party: verifies, encrypts and derives with public keys. */
final class Openssl {
    private final Path dir;
    private final AtomicInteger counter = new AtomicInteger();

    Openssl(Path dir) {
        ExternalTool.require("openssl", "openssl");
        this.dir = dir;
    }

    private Path file(String name) {
        return dir.resolve(counter.incrementAndGet() + "-" + name);
    }

    private Path write(String name, byte[] data) {
        try {
            return Files.write(file(name), data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Path pem(PublicKey key) {
        Path p = file("public.pem");
        try (JcaPEMWriter w = new JcaPEMWriter(Files.newBufferedWriter(p))) {
            w.writeObject(key);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }

    private static String md(DigestAlgorithm d) {
        return d.jcaName().replace("-", "").toLowerCase(Locale.ROOT);
    }

    /** {@code openssl dgst -verify}: whether openssl accepts the signature over {@code data}. */
    boolean verifies(PublicKey key, SignatureScheme scheme, DigestAlgorithm d, byte[] data, byte[] signature) {
        List<String> cmd = new ArrayList<>(List.of("openssl", "dgst", "-" + md(d), "-verify", pem(key).toString(),
                "-signature", write("sig.bin", signature).toString()));
        if (scheme == SignatureScheme.RSA_PSS) {
            cmd.addAll(List.of("-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:-1", "-sigopt",
                    "rsa_mgf1_md:" + md(d)));
        }
        cmd.add(write("data.bin", data).toString());
        ExternalTool.Result r = ExternalTool.run(dir, null, Map.of(), cmd);
        return r.exitCode() == 0 && r.stdoutText().contains("Verified OK");
    }

    /** {@code openssl pkeyutl -encrypt} with the padding's parameters (MGF1 with the OAEP hash). */
    byte[] encrypt(PublicKey key, RsaPadding padding, byte[] plaintext) {
        List<String> cmd = new ArrayList<>(List.of("openssl", "pkeyutl", "-encrypt", "-pubin", "-inkey",
                pem(key).toString(), "-in", write("plain.bin", plaintext).toString()));
        if (padding == RsaPadding.PKCS1) {
            cmd.addAll(List.of("-pkeyopt", "rsa_padding_mode:pkcs1"));
        } else {
            String h = padding.oaepHashJcaName().replace("-", "").toLowerCase(Locale.ROOT);
            cmd.addAll(List.of("-pkeyopt", "rsa_padding_mode:oaep", "-pkeyopt", "rsa_oaep_md:" + h, "-pkeyopt",
                    "rsa_mgf1_md:" + h));
        }
        return ExternalTool.run(dir, null, Map.of(), cmd).requireSuccess().stdout();
    }

    /** A new EC private key on the type's curve, made by openssl (PEM file). */
    Path generateEcKey(KeyType type) {
        Path p = file("peer.pem");
        String curve = switch (type) {
            case EC_P256 -> "P-256";
            case EC_P384 -> "P-384";
            case EC_P521 -> "P-521";
            default -> type.curveName().orElseThrow();
        };
        ExternalTool.run(dir, "openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:" + curve,
                "-pkeyopt", "ec_param_enc:named_curve", "-out", p.toString()).requireSuccess();
        return p;
    }

    /** The public key of an openssl private key file. */
    PublicKey publicKeyOf(Path privateKeyPem) {
        String pem = ExternalTool.run(dir, "openssl", "pkey", "-in", privateKeyPem.toString(), "-pubout")
                .requireSuccess().stdoutText();
        try (PEMParser p = new PEMParser(new StringReader(pem))) {
            return new JcaPEMKeyConverter().setProvider(Providers.bc()).getPublicKey((SubjectPublicKeyInfo) p.readObject());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code openssl pkeyutl -derive}: the ECDH secret of an openssl key and a peer public key. */
    byte[] derive(Path privateKeyPem, PublicKey peer) {
        return ExternalTool.run(dir, "openssl", "pkeyutl", "-derive", "-inkey", privateKeyPem.toString(), "-peerkey",
                pem(peer).toString()).requireSuccess().stdout();
    }

    static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
