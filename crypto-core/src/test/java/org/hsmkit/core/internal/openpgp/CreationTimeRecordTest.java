package org.hsmkit.core.internal.openpgp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

import org.hsmkit.core.ErrorKind;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.KeyType;
import org.hsmkit.core.PinSource;
import org.hsmkit.core.Token;
import org.hsmkit.core.TokenKey;
import org.hsmkit.core.TokenOptions;
import org.hsmkit.core.internal.soft.SoftToken;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A key's OpenPGP creation time is kept in a data object hsmkit recognises by its application
 * name: its own, also with the stray bytes OpenSC's module stored after the name; another
 * program's object under the same label is refused, not read or replaced.
 */
class CreationTimeRecordTest {
    @TempDir
    Path dir;

    private Token token() {
        return SoftToken.open(dir.resolve("t.p12"), TokenOptions.withPins(PinSource.of("record test".toCharArray())));
    }

    private static final byte[] VALUE = "created=1700000000".getBytes(StandardCharsets.US_ASCII);

    @Test
    void aRecordHsmkitWroteIsRead() {
        try (Token t = token()) {
            TokenKey k = t.generateKey(KeyType.EC_P256, "pgp", null);
            assertEquals(Optional.empty(), CreationTimeRecord.read(t, k));
            CreationTimeRecord.write(t, k, Instant.ofEpochSecond(1_700_000_000L));
            assertEquals(Optional.of(Instant.ofEpochSecond(1_700_000_000L)), CreationTimeRecord.read(t, k));
        }
    }

    @Test
    void aRecordWhoseApplicationOpenscStoredWithStrayBytesIsStillHsmkits() {
        try (Token t = token()) {
            TokenKey k = t.generateKey(KeyType.EC_P256, "pgp", null);
            t.writeData(CreationTimeRecord.label(k), CreationTimeRecord.APPLICATION + "ang/invoke\uFFFD\u0001", VALUE, false);
            assertEquals(Optional.of(Instant.ofEpochSecond(1_700_000_000L)), CreationTimeRecord.read(t, k));
        }
    }

    @Test
    void anotherProgramsObjectUnderTheLabelIsRefused() {
        for (String application : new String[] {"", "openpgp", "hsmkit-openpg"}) {
            try (Token t = SoftToken.open(dir.resolve(application.length() + ".p12"),
                    TokenOptions.withPins(PinSource.of("record test".toCharArray())))) {
                TokenKey k = t.generateKey(KeyType.EC_P256, "pgp", null);
                t.writeData(CreationTimeRecord.label(k), application, VALUE, false);
                HsmkitException e = assertThrows(HsmkitException.class, () -> CreationTimeRecord.read(t, k));
                assertEquals(ErrorKind.KEY, e.kind());
                assertTrue(e.getMessage().contains("was not written by hsmkit"), e.getMessage());
            }
        }
    }
}
