package org.hsmkit.fuzz;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.hsmkit.core.openpgp.PgpCertificate;
import org.hsmkit.core.openpgp.PgpEncryptor;
import org.hsmkit.core.openpgp.PgpSigner;
import org.hsmkit.core.openpgp.PgpTokenKey;
import org.hsmkit.core.openpgp.SignatureMode;
import org.hsmkit.testdata.ExternalTool;

/**
 * Seeds of the OpenPGP targets, made by hsmkit for the corpus keys ({@link PgpCorpus}) and by gpg:
 * gpg encrypts to the corpus certificates and signs with a key of its own, whose certificate is
 * kept as {@code pgp/gnupg.asc} for the verifier's keyring. Needs gpg.
 */
final class PgpSeeds {
    private final Path root;
    private final Path work;
    private Path home;

    PgpSeeds(Path root) throws Exception {
        this.root = root;
        this.work = Files.createTempDirectory("hsmkit-pgp-seeds-");
    }

    /** {@code plain} encrypted to {@code to} by Bouncy Castle in SEIPD v2 with AES-256-GCM and 64-byte chunks. */
    private static byte[] smallChunks(PgpCertificate to, byte[] plain) throws Exception {
        java.security.Provider bc = org.hsmkit.core.internal.Providers.bc();
        org.bouncycastle.openpgp.PGPEncryptedDataGenerator g = new org.bouncycastle.openpgp.PGPEncryptedDataGenerator(
                new org.bouncycastle.openpgp.operator.jcajce.JcePGPDataEncryptorBuilder(org.bouncycastle.bcpg.SymmetricKeyAlgorithmTags.AES_256)
                        .setWithAEAD(org.bouncycastle.bcpg.AEADAlgorithmTags.GCM, 6).setUseV6AEAD().setProvider(bc));
        org.bouncycastle.openpgp.PGPPublicKey subkey = null;
        for (org.bouncycastle.openpgp.PGPPublicKey k : new org.bouncycastle.openpgp.jcajce.JcaPGPPublicKeyRing(to.encoded())) {
            if (!k.isMasterKey() && k.isEncryptionKey()) {
                subkey = k;
            }
        }
        g.addMethod(new org.bouncycastle.openpgp.operator.jcajce.JcePublicKeyKeyEncryptionMethodGenerator(subkey).setProvider(bc));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (java.io.OutputStream e = g.open(out, new byte[1 << 12]);
                java.io.OutputStream l = new org.bouncycastle.openpgp.PGPLiteralDataGenerator().open(e,
                        org.bouncycastle.openpgp.PGPLiteralData.BINARY, "f", plain.length, new java.util.Date(0))) {
            l.write(plain);
        }
        return out.toByteArray();
    }

    void write() throws Exception {
        Path pgp = Files.createDirectories(root.resolve("pgp"));
        PgpCorpus c = PgpCorpus.get();
        Path dec = SeedCorpus.inputs(root, "PgpDecryptFuzzTest", "decrypt");
        Path ver = SeedCorpus.inputs(root, "PgpVerifyFuzzTest", "verify");
        Path det = SeedCorpus.inputs(root, "PgpVerifyFuzzTest", "detachedContent");

        // hsmkit: encrypted to one and to both corpus keys, SEIPD v2 where they read it and v1, armoured and binary
        int i = 0;
        for (byte[] plain : List.of(FuzzPki.plaintext(0), FuzzPki.plaintext(17), FuzzPki.plaintext(5000))) {
            for (boolean armor : List.of(false, true)) {
                for (boolean v1 : List.of(false, true)) {
                    List<PgpCertificate> to = i % 2 == 0 ? List.of(c.rsaCertificate, c.ecCertificate) : List.of(c.ecCertificate);
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    PgpEncryptor.to(to).armor(armor).seipdV1Only(v1).fileName("f" + i).build().encrypt(new ByteArrayInputStream(plain), out);
                    Files.write(dec.resolve("seed-hsmkit-" + (i++) + (armor ? ".asc" : ".pgp")), out.toByteArray());
                }
            }
        }
        // hsmkit: signed inside the encryption by each corpus key (pgp encrypt --sign-with), v1 and v2
        for (PgpTokenKey k : c.keys()) {
            for (boolean v1 : List.of(false, true)) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                PgpEncryptor.to(List.of(c.rsaCertificate)).seipdV1Only(v1).signedBy(k).fileName("s").build()
                        .encrypt(new ByteArrayInputStream(FuzzPki.plaintext(17)), out);
                Files.write(dec.resolve("seed-hsmkit-signed-" + (k == c.rsa ? "rsa" : "ec") + (v1 ? "-v1" : "-v2") + ".pgp"), out.toByteArray());
            }
        }
        // Bouncy Castle: SEIPD v2 with GCM in 64-byte chunks, so that mutations reach the reader's
        // paths between chunks (hsmkit writes 256 KiB chunks, more than any seed holds)
        Files.write(dec.resolve("seed-bc-gcm-64-byte-chunks.pgp"), smallChunks(c.ecCertificate, FuzzPki.plaintext(5000)));
        // hsmkit: signatures of every mode by both keys
        for (PgpTokenKey k : c.keys()) {
            String who = k == c.rsa ? "rsa" : "ec";
            for (SignatureMode mode : SignatureMode.values()) {
                for (boolean armor : List.of(false, true)) {
                    if (mode == SignatureMode.CLEARTEXT && !armor) {
                        continue;
                    }
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    PgpSigner.with(k).mode(mode).armor(armor).build().sign(new ByteArrayInputStream(FuzzPki.SIGNED_CONTENT), out);
                    String name = "seed-hsmkit-" + who + "-" + mode.name().toLowerCase() + (armor ? ".asc" : ".pgp");
                    Files.write(ver.resolve(name), out.toByteArray());
                    if (mode == SignatureMode.DETACHED && !armor && k == c.ec) {
                        Files.write(pgp.resolve("detached.sig"), out.toByteArray());
                    }
                }
            }
        }
        Files.write(det.resolve("seed-signed-words"), FuzzPki.SIGNED_CONTENT);
        Files.write(det.resolve("seed-empty"), new byte[0]);

        // gpg: its own signing key, the corpus certificates imported
        home = Files.createTempDirectory(Path.of("/tmp"), "gpg");
        gpg("--quick-generate-key", "--passphrase", "", "Fuzz GnuPG <gnupg@fuzz.hsmkit.test>", "ed25519", "sign", "never");
        Files.write(pgp.resolve("gnupg.asc"), gpg("--armor", "--export", "gnupg@fuzz.hsmkit.test"));
        Files.write(work.resolve("corpus.asc"), (c.rsaCertificate.armored() + c.ecCertificate.armored()).getBytes(StandardCharsets.US_ASCII));
        gpg("--import", "corpus.asc");
        Files.write(work.resolve("words.txt"), FuzzPki.SIGNED_CONTENT);
        Files.write(ver.resolve("seed-gpg-inline.pgp"), gpg("--sign", "--output", "-", "words.txt"));
        Files.write(ver.resolve("seed-gpg-inline.asc"), gpg("--sign", "--armor", "--output", "-", "words.txt"));
        Files.write(ver.resolve("seed-gpg-cleartext.asc"), gpg("--clearsign", "--output", "-", "words.txt"));
        Files.write(ver.resolve("seed-gpg-detached.sig"), gpg("--detach-sign", "--output", "-", "words.txt"));
        Files.write(work.resolve("p17"), FuzzPki.plaintext(17));
        Files.write(work.resolve("p1000"), FuzzPki.plaintext(1000));
        Files.write(dec.resolve("seed-gpg-rsa.pgp"), gpg("--encrypt", "-r", FuzzPki.RSA_EMAIL, "--output", "-", "p17"));
        Files.write(dec.resolve("seed-gpg-ec.asc"), gpg("--encrypt", "--armor", "-r", FuzzPki.EC_EMAIL, "--output", "-", "p1000"));
        Files.write(dec.resolve("seed-gpg-both-uncompressed.pgp"),
                gpg("--encrypt", "-z", "0", "-r", FuzzPki.RSA_EMAIL, "-r", FuzzPki.EC_EMAIL, "--output", "-", "p1000"));
        Files.write(dec.resolve("seed-gpg-signed-encrypted.pgp"), gpg("--sign", "--encrypt", "-r", FuzzPki.EC_EMAIL, "--output", "-", "p17"));
        ExternalTool.run(work, null, Map.of("GNUPGHOME", home.toString()), List.of("gpgconf", "--kill", "gpg-agent"));
    }

    private byte[] gpg(String... args) {
        List<String> cmd = new ArrayList<>(List.of("gpg", "--batch", "--yes", "--trust-model", "always", "--pinentry-mode", "loopback"));
        cmd.addAll(List.of(args));
        return ExternalTool.run(work, null, Map.of("GNUPGHOME", home.toString()), cmd).requireSuccess().stdout();
    }
}
