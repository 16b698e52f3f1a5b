package org.hsmkit.core.openpgp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.hsmkit.core.AtomicOutput;
import org.hsmkit.core.ErrorKind;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.testdata.TestPki;
import org.hsmkit.testdata.TestUser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * hsmkit's OpenPGP messages on their own: sizes at the buffer boundaries, both packet formats,
 * several recipients, and what happens to damaged or tampered messages: a clear error of the
 * right kind and nothing at the destination.
 */
class PgpMessageTest {
    /** The encryptor's and decryptor's buffers are 64 KiB. */
    private static final int CHUNK = 1 << 16;

    @TempDir
    Path dir;

    static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static byte[] encrypt(byte[] plain, boolean v1, boolean armor, PgpCertificate... to) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PgpEncryptor.to(List.of(to)).seipdV1Only(v1).armor(armor).build().encrypt(new ByteArrayInputStream(plain), out);
        return out.toByteArray();
    }

    private PgpDecryptor.Decryption decrypt(byte[] message, PgpTokenKey key, Path target) throws Exception {
        try (InputStream in = new ByteArrayInputStream(message); AtomicOutput out = AtomicOutput.toFile(target, false)) {
            return PgpDecryptor.withKey(key).decrypt(in, out);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK + 17})
    void sizesAtTheBufferBoundariesRoundTripInBothFormats(int size) throws Exception {
        byte[] plain = random(size, size);
        PgpCertificate bob = PgpTestKeys.certificate(TestUser.BOB_P256);
        for (boolean v1 : new boolean[] {true, false}) {
            Path target = dir.resolve(size + "-" + v1);
            PgpDecryptor.Decryption d = decrypt(encrypt(plain, v1, !v1, bob), PgpTestKeys.key(TestUser.BOB_P256), target);
            assertArrayEquals(plain, Files.readAllBytes(target));
            assertEquals(v1 ? PacketFormat.SEIPD_V1 : PacketFormat.SEIPD_V2, d.format());
            assertEquals(size, d.plaintextBytes());
        }
    }

    /**
     * SEIPD v1 is written in 1 MiB parts, and the MDC packet's two header bytes may fill the last
     * part, or cross into a new one: every input size across the first part's end round-trips
     * (the literal packet around the input adds a few dozen bytes, so the end falls inside).
     */
    @Test
    void seipdV1RoundTripsAtEverySizeAcrossItsFirstPartsEnd() throws Exception {
        PgpCertificate bob = PgpTestKeys.certificate(TestUser.BOB_P256);
        PgpTokenKey key = PgpTestKeys.key(TestUser.BOB_P256);
        byte[] all = random((1 << 20), 3);
        for (int size = (1 << 20) - 80; size <= (1 << 20) - 16; size++) {
            byte[] plain = java.util.Arrays.copyOf(all, size);
            Path target = dir.resolve("v1-" + size);
            decrypt(encrypt(plain, true, false, bob), key, target);
            assertArrayEquals(plain, Files.readAllBytes(target), "size " + size);
            Files.delete(target);
        }
    }

    /**
     * SEIPD v2 with AES-GCM is hsmkit's own packet: 256 KiB GCM chunks in 1 MiB parts. Every input
     * size around the first chunk's end, and around the sizes where the packet body ends at the
     * first part's end (the final tag inside it or crossing it), round-trips through Bouncy Castle's
     * reader, and the packet says version 2, AES-256, GCM, 256 KiB chunks.
     */
    @Test
    void seipdV2WithGcmRoundTripsAcrossItsChunkAndPartEnds() throws Exception {
        PgpCertificate bob = PgpTestKeys.certificate(TestUser.BOB_P256);
        PgpTokenKey key = PgpTestKeys.key(TestUser.BOB_P256);
        byte[] all = random(1 << 20, 4);
        java.util.List<Integer> sizes = new java.util.ArrayList<>();
        for (int size = (1 << 18) - 64; size <= (1 << 18) + 8; size++) {
            sizes.add(size);
        }
        for (int size = (1 << 20) - 200; size <= (1 << 20) - 40; size++) {
            sizes.add(size);
        }
        for (int size : sizes) {
            byte[] plain = java.util.Arrays.copyOf(all, size);
            byte[] msg = encrypt(plain, false, false, bob);
            if (size == sizes.get(0)) {
                org.bouncycastle.bcpg.SymmetricEncIntegrityPacket seipd = seipd(msg);
                assertEquals(2, seipd.getVersion());
                assertEquals(org.bouncycastle.bcpg.SymmetricKeyAlgorithmTags.AES_256, seipd.getCipherAlgorithm());
                assertEquals(org.bouncycastle.bcpg.AEADAlgorithmTags.GCM, seipd.getAeadAlgorithm());
                assertEquals(12, seipd.getChunkSize());
            }
            Path target = dir.resolve("v2-" + size);
            decrypt(msg, key, target);
            assertArrayEquals(plain, Files.readAllBytes(target), "size " + size);
            Files.delete(target);
        }
    }

    /**
     * Chunks that are each intact but swapped, or one left out (the packet's length made to fit),
     * or the last one left out: the nonce carries each chunk's index and the final tag the total
     * length, so every one is refused and nothing is written.
     */
    @Test
    void seipdV2ChunksSwappedOrLeftOutAreRefused() throws Exception {
        int chunk = (1 << 18) + 16;
        byte[] msg = encrypt(random(3 * (1 << 18) - 1000, 14), false, false, PgpTestKeys.certificate(TestUser.ALICE_RSA2048));
        // under 1 MiB of body, the packet has one five-octet length: tag 0xD2, 0xFF, the length
        int p = 0;
        while (!(msg[p] == (byte) 0xD2 && msg[p + 1] == (byte) 0xFF
                && java.nio.ByteBuffer.wrap(msg, p + 2, 4).getInt() == msg.length - p - 6)) {
            p++;
        }
        int first = p + 6 + 36; // after the version, algorithms, chunk size and salt
        byte[] swapped = msg.clone();
        System.arraycopy(msg, first, swapped, first + chunk, chunk);
        System.arraycopy(msg, first + chunk, swapped, first, chunk);
        byte[] middleLeftOut = leaveOut(msg, p, first + chunk, chunk);
        byte[] lastLeftOut = leaveOut(msg, p, first + 2 * chunk, msg.length - 16 - (first + 2 * chunk));
        for (byte[] altered : List.of(swapped, middleLeftOut, lastLeftOut)) {
            Path target = dir.resolve("chunks-" + altered.length + "-" + java.util.Arrays.hashCode(altered));
            HsmkitException e = assertThrows(HsmkitException.class, () -> decrypt(altered, PgpTestKeys.key(TestUser.ALICE_RSA2048), target));
            assertEquals(ErrorKind.VERIFICATION_FAILED, e.kind(), e.getMessage());
            assertFalse(Files.exists(target));
        }
    }

    /** {@code msg} without {@code length} bytes at {@code from}, the SEIPD packet at {@code packet} shortened to match. */
    private static byte[] leaveOut(byte[] msg, int packet, int from, int length) {
        byte[] out = new byte[msg.length - length];
        System.arraycopy(msg, 0, out, 0, from);
        System.arraycopy(msg, from + length, out, from, msg.length - from - length);
        java.nio.ByteBuffer.wrap(out, packet + 2, 4).putInt(out.length - packet - 6);
        return out;
    }

    /**
     * A message read from a named pipe through the JDK's file stream, which fails skip and
     * available there ("Illegal seek"): inspected and decrypted as from a file.
     */
    @Test
    void aMessageFromANamedPipeIsInspectedAndDecrypted() throws Exception {
        byte[] plain = random(3 * CHUNK + 5, 15);
        byte[] msg = encrypt(plain, false, false, PgpTestKeys.certificate(TestUser.BOB_P256));
        Path fifo = dir.resolve("fifo");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        for (int round = 0; round < 2; round++) {
            Thread writer = new Thread(() -> {
                try (java.io.OutputStream w = Files.newOutputStream(fifo)) {
                    w.write(msg);
                } catch (java.io.IOException e) {
                    // the reader stopped early; what it read is checked below
                }
            });
            writer.setDaemon(true);
            writer.start();
            try (InputStream in = Files.newInputStream(fifo)) {
                if (round == 0) {
                    assertEquals(2, PgpInspector.inspect(in).packets().size());
                } else {
                    Path target = dir.resolve("from-fifo");
                    try (AtomicOutput out = AtomicOutput.toFile(target, false)) {
                        PgpDecryptor.withKey(PgpTestKeys.key(TestUser.BOB_P256)).decrypt(in, out);
                    }
                    assertArrayEquals(plain, Files.readAllBytes(target));
                }
            }
            writer.join(10_000);
        }
    }

    private static org.bouncycastle.bcpg.SymmetricEncIntegrityPacket seipd(byte[] msg) throws java.io.IOException {
        org.bouncycastle.bcpg.BCPGInputStream in = new org.bouncycastle.bcpg.BCPGInputStream(new ByteArrayInputStream(msg));
        for (org.bouncycastle.bcpg.Packet p = in.readPacket(); p != null; p = in.readPacket()) {
            if (p instanceof org.bouncycastle.bcpg.SymmetricEncIntegrityPacket s) {
                return s;
            }
        }
        throw new AssertionError("no SEIPD packet");
    }

    /** An input that fails after {@code good} bytes, as a file on a failing disk does. */
    private static InputStream failingAfter(int good) {
        return new InputStream() {
            private int read;

            @Override
            public int read() throws java.io.IOException {
                if (read++ >= good) {
                    throw new java.io.IOException("input/output error");
                }
                return 0;
            }
        };
    }

    private static long hashingThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals("hsmkit-sha1") && t.isAlive()).count();
    }

    /**
     * SEIPD v1 hashes on a thread of its own; an input that fails part way is an error of the input
     * kind, and the thread ends with it (a mail server encrypting all day would otherwise keep one
     * per failure).
     */
    @Test
    void seipdV1EncryptionOfAFailingInputEndsItsHashingThread() throws Exception {
        long before = hashingThreads();
        PgpEncryptor enc = PgpEncryptor.to(List.of(PgpTestKeys.certificate(TestUser.BOB_P256))).seipdV1Only(true).build();
        for (int good : new int[] {0, 100, 3 << 20}) {
            org.hsmkit.core.HsmkitException e = assertThrows(org.hsmkit.core.HsmkitException.class,
                    () -> enc.encrypt(failingAfter(good), java.io.OutputStream.nullOutputStream()));
            assertEquals(org.hsmkit.core.ErrorKind.IO, e.kind(), e.getMessage());
        }
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (hashingThreads() > before && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(before, hashingThreads(), "hashing threads left running");
    }

    @Test
    void hsmkitCertificatesAdvertiseSeipdV2SoHsmkitWritesItToThem() {
        PgpEncryptor e = PgpEncryptor.to(List.of(PgpTestKeys.certificate(TestUser.ALICE_RSA2048))).build();
        assertEquals(PacketFormat.SEIPD_V2, e.format());
    }

    /** Packets written by {@code inside}, encrypted to {@code to} by Bouncy Castle itself (SEIPD v2, OCB), as other implementations write them. */
    private static byte[] encryptWithBc(PgpCertificate to, Inside inside) throws Exception {
        return encryptWithBc(to, org.bouncycastle.bcpg.AEADAlgorithmTags.OCB, 10, inside);
    }

    /** As {@link #encryptWithBc(PgpCertificate, Inside)}, with the AEAD algorithm and chunks of 2^{@code chunkBits} bytes. */
    static byte[] encryptWithBc(PgpCertificate to, int aead, int chunkBits, Inside inside) throws Exception {
        org.bouncycastle.openpgp.PGPPublicKey enc = org.hsmkit.core.internal.openpgp.RecipientKeys.encryptionKey(to.checked(), Instant.now());
        org.bouncycastle.openpgp.PGPEncryptedDataGenerator g = new org.bouncycastle.openpgp.PGPEncryptedDataGenerator(
                new org.bouncycastle.openpgp.operator.jcajce.JcePGPDataEncryptorBuilder(org.bouncycastle.bcpg.SymmetricKeyAlgorithmTags.AES_256)
                        .setWithAEAD(aead, chunkBits).setUseV6AEAD()
                        .setProvider(org.hsmkit.core.internal.Providers.bc()));
        g.addMethod(new org.bouncycastle.openpgp.operator.jcajce.JcePublicKeyKeyEncryptionMethodGenerator(enc)
                .setProvider(org.hsmkit.core.internal.Providers.bc()));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (java.io.OutputStream e = g.open(out, new byte[1 << 12])) {
            inside.write(e);
        }
        return out.toByteArray();
    }

    @FunctionalInterface
    interface Inside {
        void write(java.io.OutputStream encrypted) throws Exception;
    }

    /**
     * SEIPD v2 with GCM as Bouncy Castle writes it (an implementation other than hsmkit's packet
     * writer and reader), in 1 KiB chunks: hsmkit's reader opens it at sizes around a chunk's end,
     * including none at all.
     */
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 1000, 1023, 1024, 1025, 3 * 1024, 3 * 1024 + 7, CHUNK + 5})
    void seipdV2WithGcmAsBouncyCastleWritesItDecrypts(int size) throws Exception {
        byte[] plain = random(size, 12);
        // a literal packet of the plaintext alone, so that the chunks end where the sizes say
        ByteArrayOutputStream literal = new ByteArrayOutputStream();
        try (java.io.OutputStream l = new org.bouncycastle.openpgp.PGPLiteralDataGenerator().open(literal,
                org.bouncycastle.openpgp.PGPLiteralData.BINARY, "", size, new java.util.Date(0))) {
            l.write(plain);
        }
        byte[] msg = encryptWithBc(PgpTestKeys.certificate(TestUser.BOB_P256), org.bouncycastle.bcpg.AEADAlgorithmTags.GCM, 10,
                e -> e.write(literal.toByteArray()));
        assertEquals(org.bouncycastle.bcpg.AEADAlgorithmTags.GCM, seipd(msg).getAeadAlgorithm());
        Path target = dir.resolve("bc-gcm-" + size);
        PgpDecryptor.Decryption d = decrypt(msg, PgpTestKeys.key(TestUser.BOB_P256), target);
        assertEquals(PacketFormat.SEIPD_V2, d.format());
        assertArrayEquals(plain, Files.readAllBytes(target));
    }

    /** hsmkit's SEIPD v2 with GCM, decrypted by Bouncy Castle's own reader with the private key. */
    @ParameterizedTest
    @ValueSource(ints = {0, 1, (1 << 18) - 20, (1 << 18) + 3, (1 << 20) + 100})
    void seipdV2WithGcmAsHsmkitWritesItDecryptsWithBouncyCastle(int size) throws Exception {
        byte[] plain = random(size, 13);
        PgpCertificate bob = PgpTestKeys.certificate(TestUser.BOB_P256);
        byte[] msg = encrypt(plain, false, false, bob);
        assertEquals(org.bouncycastle.bcpg.AEADAlgorithmTags.GCM, seipd(msg).getAeadAlgorithm());
        org.bouncycastle.openpgp.PGPPublicKey enc = org.hsmkit.core.internal.openpgp.RecipientKeys.encryptionKey(bob.checked(), Instant.now());
        org.bouncycastle.openpgp.PGPPrivateKey priv = new org.bouncycastle.openpgp.operator.jcajce.JcaPGPKeyConverter()
                .setProvider(org.hsmkit.core.internal.Providers.bc()).getPGPPrivateKey(enc, TestPki.standard().user(TestUser.BOB_P256).privateKey());
        org.bouncycastle.openpgp.PGPObjectFactory f = new org.bouncycastle.openpgp.jcajce.JcaPGPObjectFactory(msg);
        org.bouncycastle.openpgp.PGPEncryptedDataList list = (org.bouncycastle.openpgp.PGPEncryptedDataList) f.nextObject();
        org.bouncycastle.openpgp.PGPPublicKeyEncryptedData data = (org.bouncycastle.openpgp.PGPPublicKeyEncryptedData) list.get(0);
        InputStream clear = data.getDataStream(new org.bouncycastle.openpgp.operator.jcajce.JcePublicKeyDataDecryptorFactoryBuilder()
                .setProvider(org.hsmkit.core.internal.Providers.bc()).build(priv));
        org.bouncycastle.openpgp.PGPLiteralData lit = (org.bouncycastle.openpgp.PGPLiteralData)
                new org.bouncycastle.openpgp.jcajce.JcaPGPObjectFactory(clear).nextObject();
        assertArrayEquals(plain, lit.getDataStream().readAllBytes());
        assertTrue(clear.read() < 0);
    }

    @Test
    void seipdV2WithOcbAsOtherImplementationsWriteItDecrypts() throws Exception {
        byte[] plain = random(CHUNK + 1, 11);
        byte[] msg = encryptWithBc(PgpTestKeys.certificate(TestUser.BOB_P256), e -> {
            try (java.io.OutputStream l = new org.bouncycastle.openpgp.PGPLiteralDataGenerator().open(e,
                    org.bouncycastle.openpgp.PGPLiteralData.BINARY, "", new java.util.Date(), new byte[1 << 12])) {
                l.write(plain);
            }
        });
        Path target = dir.resolve("ocb");
        PgpDecryptor.Decryption d = decrypt(msg, PgpTestKeys.key(TestUser.BOB_P256), target);
        assertEquals(PacketFormat.SEIPD_V2, d.format());
        assertArrayEquals(plain, Files.readAllBytes(target));
    }

    @Test
    void aLiteralFileNameThatIsNotUtf8CostsNeitherTheContentNorTheDescription() throws Exception {
        byte[] plain = "authenticated\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        ByteArrayOutputStream literal = new ByteArrayOutputStream();
        // literal data packet (tag 11, new format): binary, a 2-byte name FF 'e' (FF never occurs in UTF-8), time 0
        literal.write(new byte[] {(byte) 0xCB, (byte) (1 + 1 + 2 + 4 + plain.length), 'b', 2, (byte) 0xFF, 'e', 0, 0, 0, 0});
        literal.write(plain);
        String name = "\uFFFDe";
        byte[] msg = encryptWithBc(PgpTestKeys.certificate(TestUser.BOB_P256), e -> e.write(literal.toByteArray()));
        Path target = dir.resolve("name");
        PgpDecryptor.Decryption d = decrypt(msg, PgpTestKeys.key(TestUser.BOB_P256), target);
        assertArrayEquals(plain, Files.readAllBytes(target));
        assertEquals(name, d.fileName());
        assertTrue(PgpInspector.inspect(new ByteArrayInputStream(literal.toByteArray())).packets().get(0).details()
                .contains("file name '" + name + "'"));
    }

    @Test
    void controlCharactersInAFileNameAreShownEscapedSoTheyCannotSteerATerminal() throws Exception {
        ByteArrayOutputStream literal = new ByteArrayOutputStream();
        // literal data packet: binary, the name ESC "[2J" (clear screen), time 0, one byte of content
        byte[] name = {0x1B, '[', '2', 'J'};
        literal.write(new byte[] {(byte) 0xCB, (byte) (1 + 1 + name.length + 4 + 1), 'b', (byte) name.length});
        literal.write(name);
        literal.write(new byte[] {0, 0, 0, 0, 'x'});
        List<String> details = PgpInspector.inspect(new ByteArrayInputStream(literal.toByteArray())).packets().get(0).details();
        assertTrue(details.contains("file name '\\1B[2J'"), details.toString());
    }

    @Test
    void everyRecipientOfASeveralRecipientMessageDecryptsIt() throws Exception {
        byte[] plain = random(5000, 5);
        List<TestUser> users = List.of(TestUser.ALICE_RSA2048, TestUser.CAROL_P384, TestUser.GRACE_BP512);
        byte[] msg = encrypt(plain, false, false, users.stream().map(PgpTestKeys::certificate).toArray(PgpCertificate[]::new));
        assertEquals(3, PgpInspector.inspect(new ByteArrayInputStream(msg)).recipientKeyIds().size());
        for (TestUser u : users) {
            Path target = dir.resolve(u.fileName());
            decrypt(msg, PgpTestKeys.key(u), target);
            assertArrayEquals(plain, Files.readAllBytes(target));
        }
    }

    @Test
    void aKeyThatIsNoRecipientIsAKeyErrorNamingTheRecipients() {
        byte[] msg = encrypt(random(10, 1), true, false, PgpTestKeys.certificate(TestUser.ALICE_RSA2048));
        Path target = dir.resolve("out");
        HsmkitException e = assertThrows(HsmkitException.class, () -> decrypt(msg, PgpTestKeys.key(TestUser.BOB_P256), target));
        assertEquals(ErrorKind.KEY, e.kind());
        assertTrue(e.getMessage().contains(PgpTestKeys.certificate(TestUser.ALICE_RSA2048).keyId()), e.getMessage());
        assertFalse(Files.exists(target));
    }

    /** Flips one bit at {@code position} (negative: from the end). */
    private static byte[] flip(byte[] m, int position) {
        byte[] c = m.clone();
        int p = position < 0 ? c.length + position : position;
        c[p] ^= 0x01;
        return c;
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void tamperedCiphertextMdcOrTagIsRefusedWithNothingWritten(boolean v1) throws Exception {
        byte[] plain = random(3 * CHUNK, 7);
        byte[] msg = encrypt(plain, v1, false, PgpTestKeys.certificate(TestUser.ALICE_RSA2048));
        // a byte in the middle of the content, and one in the last bytes (the MDC of v1, the final tag of v2)
        for (int position : new int[] {msg.length / 2, -3}) {
            Path target = dir.resolve("t-" + v1 + position);
            HsmkitException e = assertThrows(HsmkitException.class, () -> decrypt(flip(msg, position), PgpTestKeys.key(TestUser.ALICE_RSA2048), target));
            assertEquals(ErrorKind.VERIFICATION_FAILED, e.kind(), e.getMessage());
            assertFalse(Files.exists(target));
            assertEquals(0, Files.list(dir).filter(p -> p.getFileName().toString().endsWith(".partial")).count());
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void truncatedMessagesAreRefusedWithNothingWritten(boolean v1) throws Exception {
        byte[] msg = encrypt(random(2 * CHUNK + 5, 8), v1, false, PgpTestKeys.certificate(TestUser.ALICE_RSA2048));
        for (int keep : new int[] {msg.length - 1, msg.length - 30, msg.length / 2, 300}) {
            Path target = dir.resolve("cut-" + v1 + keep);
            HsmkitException e = assertThrows(HsmkitException.class,
                    () -> decrypt(Arrays.copyOf(msg, keep), PgpTestKeys.key(TestUser.ALICE_RSA2048), target));
            assertTrue(e.kind() == ErrorKind.VERIFICATION_FAILED || e.kind() == ErrorKind.INPUT, e.kind() + ": " + e.getMessage());
            assertFalse(Files.exists(target));
        }
    }

    @Test
    void sessionKeysFollowedByAnythingButEncryptedDataAreADamagedInputNotAnUnprotectedMessage() throws Exception {
        byte[] msg = encrypt(random(100, 10), true, false, PgpTestKeys.certificate(TestUser.ALICE_RSA2048));
        HsmkitException e = refused(PgpMessageSurgery.literalInsteadOfEncryptedData(msg), TestUser.ALICE_RSA2048);
        assertEquals(ErrorKind.INPUT, e.kind());
        assertTrue(e.getMessage().contains("no encrypted data but a packet of tag 11"), e.getMessage());
    }

    /** Decrypts a message that must be refused; nothing may appear at the target. */
    private HsmkitException refused(byte[] msg, TestUser recipient) {
        Path target = dir.resolve("refused");
        HsmkitException e = assertThrows(HsmkitException.class, () -> decrypt(msg, PgpTestKeys.key(recipient), target));
        assertFalse(Files.exists(target), "no output after: " + e.getMessage());
        return e;
    }

    @Test
    void aMessageDowngradedToTheUnprotectedPacketIsRefusedNotDecrypted() throws Exception {
        byte[] msg = encrypt(random(1000, 9), true, false, PgpTestKeys.certificate(TestUser.ALICE_RSA2048));
        byte[] sed = PgpMessageSurgery.downgradeToSed(msg);
        assertTrue(PgpInspector.inspect(new ByteArrayInputStream(sed)).packets().stream()
                .anyMatch(p -> p.type().contains("WITHOUT integrity")));
        HsmkitException e = refused(sed, TestUser.ALICE_RSA2048);
        assertEquals(ErrorKind.VERIFICATION_FAILED, e.kind());
        assertTrue(e.getMessage().contains("not integrity-protected"), e.getMessage());
    }

    @Test
    void aDamagedPacketLengthIsAnInputOrVerificationError() throws Exception {
        byte[] msg = encrypt(random(1000, 10), true, false, PgpTestKeys.certificate(TestUser.BOB_P256));
        HsmkitException e = refused(PgpMessageSurgery.growFirstPacketLength(msg), TestUser.BOB_P256);
        assertTrue(e.kind() == ErrorKind.INPUT || e.kind() == ErrorKind.VERIFICATION_FAILED, e.kind() + ": " + e.getMessage());
    }

    @Test
    void aSecretKeyFileAsRecipientIsRefusedWithAHint() {
        TestUser u = TestUser.ALICE_RSA2048;
        String secret = PgpTestKeys.secretKey(u, PgpTestKeys.certificate(u));
        HsmkitException e = assertThrows(HsmkitException.class, () -> PgpCertificate.read(new ByteArrayInputStream(secret.getBytes())));
        assertEquals(ErrorKind.INPUT, e.kind());
        assertTrue(e.getMessage().contains("secret key"), e.getMessage());
        assertTrue(e.hint().orElse("").contains("gpg --export"));
    }

    @Test
    void aSigningOnlyCertificateCannotBeEncryptedTo() {
        PgpCertificate signOnly = PgpCertificate.builder(PgpTestKeys.key(TestUser.BOB_P256)).userId("Bob <bob@hsmkit.test>").build();
        HsmkitException e = assertThrows(HsmkitException.class, () -> PgpEncryptor.to(List.of(signOnly)).build());
        assertEquals(ErrorKind.INPUT, e.kind());
        assertTrue(e.getMessage().contains("no key that may encrypt"), e.getMessage());
    }

    @Test
    void anExpiredCertificateCannotBeEncryptedTo() {
        PgpTokenKey old = PgpTokenKey.of(PgpTestKeys.softKey(TestUser.CAROL_P384), Instant.parse("2020-01-01T00:00:00Z"));
        PgpCertificate expired = PgpCertificate.builder(old).encryptionKey(old).userId("Carol <carol@hsmkit.test>")
                .signedAt(Instant.parse("2020-01-02T00:00:00Z")).expiresAt(Instant.parse("2021-01-01T00:00:00Z")).build();
        HsmkitException e = assertThrows(HsmkitException.class, () -> PgpEncryptor.to(List.of(expired)).build());
        assertEquals(ErrorKind.INPUT, e.kind());
        assertTrue(e.getMessage().contains("expired"), e.getMessage());
    }

    @Test
    void anUnknownPacketVersionIsAnInputErrorWithAHint() {
        byte[] cert = PgpTestKeys.certificate(TestUser.ALICE_RSA2048).encoded();
        byte[] v9 = PgpMessageSurgery.setFirstPacketVersion(cert, 9);
        HsmkitException e = assertThrows(HsmkitException.class, () -> PgpCertificate.read(new ByteArrayInputStream(v9)));
        assertEquals(ErrorKind.INPUT, e.kind());
        assertTrue(e.hint().isPresent());
    }

    @ParameterizedTest
    @EnumSource(SignatureMode.class)
    void aFlippedBitInASignatureOrItsDataFailsVerification(SignatureMode mode) {
        byte[] data = "release 1.0\n".getBytes();
        ByteArrayOutputStream sig = new ByteArrayOutputStream();
        PgpSigner.with(PgpTestKeys.key(TestUser.ERIN_BP256)).mode(mode).build().sign(new ByteArrayInputStream(data), sig);
        PgpVerifier v = PgpVerifier.trusting(List.of(PgpTestKeys.certificate(TestUser.ERIN_BP256)));
        HsmkitException e;
        if (mode == SignatureMode.DETACHED) {
            byte[] s = flip(sig.toByteArray(), -5); // inside the ECDSA value
            e = assertThrows(HsmkitException.class, () -> v.verifyDetached(new ByteArrayInputStream(s), new ByteArrayInputStream(data)));
        } else {
            byte[] signed = sig.toByteArray();
            int at = indexOf(signed, "release".getBytes());
            byte[] s = flip(signed, at);
            e = assertThrows(HsmkitException.class, () -> v.verify(new ByteArrayInputStream(s), null));
        }
        assertEquals(ErrorKind.VERIFICATION_FAILED, e.kind(), e.getMessage());
    }

    @Test
    void aSignatureByAKeyOutsideTheKeyringFails() {
        ByteArrayOutputStream sig = new ByteArrayOutputStream();
        PgpSigner.with(PgpTestKeys.key(TestUser.DAVE_P521)).mode(SignatureMode.DETACHED).build().sign(new ByteArrayInputStream(new byte[1]), sig);
        HsmkitException e = assertThrows(HsmkitException.class, () -> PgpVerifier.trusting(List.of(PgpTestKeys.certificate(TestUser.BOB_P256)))
                .verifyDetached(new ByteArrayInputStream(sig.toByteArray()), new ByteArrayInputStream(new byte[1])));
        assertEquals(ErrorKind.VERIFICATION_FAILED, e.kind());
        assertTrue(e.getMessage().contains("unknown key"), e.getMessage());
    }

    static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i <= hay.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }

    /**
     * A signature does not cover its literal packet's format octet: a binary-signed message whose
     * format was switched to text still verifies, and its data is released exactly as signed, CR LF
     * and all (only a text signature, which covers no line ends, lets the line ends be converted).
     */
    @Test
    void aBinarySignedMessageRelabelledAsTextIsReleasedAsSigned() {
        byte[] data = "amount: 100\r\npayee: Bob\r\n".getBytes();
        ByteArrayOutputStream sig = new ByteArrayOutputStream();
        PgpSigner.with(PgpTestKeys.key(TestUser.ERIN_BP256)).mode(SignatureMode.INLINE).build().sign(new ByteArrayInputStream(data), sig);
        byte[] signed = sig.toByteArray();
        int format = indexOf(signed, data) - 6; // format, name length (0), four octets of date, then the data
        assertEquals('b', signed[format]);
        signed[format] = 't';
        ByteArrayOutputStream released = new ByteArrayOutputStream();
        PgpVerifier.trusting(List.of(PgpTestKeys.certificate(TestUser.ERIN_BP256))).verify(new ByteArrayInputStream(signed), released);
        assertArrayEquals(data, released.toByteArray());
    }

    /**
     * Trailing blanks are not covered by a cleartext signature, so blanks added to a signed line
     * leave it valid; what is released is what was signed, without them.
     */
    @Test
    void blanksAddedToACleartextMessageAreNotReleased() {
        byte[] data = "pay Bob 100\nthen stop\n".getBytes();
        ByteArrayOutputStream sig = new ByteArrayOutputStream();
        PgpSigner.with(PgpTestKeys.key(TestUser.ERIN_BP256)).mode(SignatureMode.CLEARTEXT).build().sign(new ByteArrayInputStream(data), sig);
        String padded = sig.toString(java.nio.charset.StandardCharsets.US_ASCII).replace("pay Bob 100\n", "pay Bob 100 \t \n");
        ByteArrayOutputStream released = new ByteArrayOutputStream();
        PgpVerifier.trusting(List.of(PgpTestKeys.certificate(TestUser.ERIN_BP256)))
                .verify(new ByteArrayInputStream(padded.getBytes(java.nio.charset.StandardCharsets.US_ASCII)), released);
        assertArrayEquals(data, released.toByteArray());
    }
}
