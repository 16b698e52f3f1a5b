package org.hsmkit.core.internal.pkcs11;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Optional;

import org.hsmkit.core.ErrorKind;
import org.hsmkit.core.HsmkitException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** RFC 7512 PKCS#11 URIs as hsmkit reads them. */
class Pkcs11UriTest {

    @Test
    void everyPathAttributeIsReadAndPercentDecoded() {
        Pkcs11Uri u = Pkcs11Uri.parse("pkcs11:token=Smart%20Card;manufacturer=www.CardContact.de;serial=DENK0100000;"
                + "model=PKCS%2315%20emulated;slot-id=3;slot-description=Nitrokey%20HSM;object=mail%3bkey;id=%01%A2;type=private");
        assertEquals(Optional.of("Smart Card"), u.token());
        assertEquals(Optional.of("www.CardContact.de"), u.manufacturer());
        assertEquals(Optional.of("DENK0100000"), u.serial());
        assertEquals(Optional.of("PKCS#15 emulated"), u.model());
        assertEquals(3L, u.slotId().getAsLong());
        assertEquals(Optional.of("Nitrokey HSM"), u.slotDescription());
        assertEquals(Optional.of("mail;key"), u.object());
        assertArrayEquals(new byte[] {0x01, (byte) 0xA2}, u.id().orElseThrow());
        assertEquals(Optional.of("private"), u.type());
        assertTrue(u.selectsToken());
        assertTrue(u.selectsObject());
    }

    @Test
    void theEmptyUriSelectsEverything() {
        Pkcs11Uri u = Pkcs11Uri.parse("pkcs11:");
        assertFalse(u.selectsToken());
        assertFalse(u.selectsObject());
        assertTrue(u.matchesToken(7, "any", "any", "any", "any", "any"));
    }

    @Test
    void queryAttributesGiveTheModuleAndThePinFile() {
        Pkcs11Uri u = Pkcs11Uri.parse("pkcs11:token=A?module-path=/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so&pin-source=file:/run/pin");
        assertEquals(Optional.of(Path.of("/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so")), u.modulePath());
        assertEquals(Optional.of(Path.of("/run/pin")), u.pinFile());
    }

    @ParameterizedTest
    @CsvSource({
        "pkcs11:?pin-source=file:/home/u/pin, /home/u/pin",
        "pkcs11:?pin-source=file:///home/u/pin, /home/u/pin",
        "pkcs11:?pin-source=file://localhost/home/u/pin, /home/u/pin",
        "pkcs11:?pin-source=/home/u/pin, /home/u/pin",
        "pkcs11:?pin-source=file:/home/u/my%20pin, /home/u/my pin",
    })
    void pinSourceIsAFileUriOrAPath(String uri, String file) {
        assertEquals(Optional.of(Path.of(file)), Pkcs11Uri.parse(uri).pinFile());
    }

    @Test
    void attributeNamesAreCaseInsensitiveAndValuesAreNot() {
        Pkcs11Uri u = Pkcs11Uri.parse("PKCS11:Token=MyToken");
        assertEquals(Optional.of("MyToken"), u.token());
        assertTrue(u.matchesToken(0, "", "MyToken   ", "", "", ""), "PKCS#11 pads labels with spaces");
        assertFalse(u.matchesToken(0, "", "mytoken", "", "", ""));
    }

    @Test
    void libraryAndVendorAttributesAreAcceptedAndIgnored() {
        Pkcs11Uri u = Pkcs11Uri.parse("pkcs11:library-manufacturer=OpenSC%20Project;x-vendor=1;token=T?x-foo=bar");
        assertEquals(Optional.of("T"), u.token());
    }

    @Test
    void aPinValueIsRefusedWithAHintToUseAPinFile() {
        HsmkitException e = assertThrows(HsmkitException.class, () -> Pkcs11Uri.parse("pkcs11:token=T?pin-value=1234"));
        assertEquals(ErrorKind.USAGE, e.kind());
        assertFalse(e.getMessage().contains("1234"), "the PIN is not repeated in the message");
        assertTrue(e.hint().orElseThrow().contains("pin-source=file:"), e.hint().orElseThrow());
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "pkcs11:id=%0|two hex digits",
        "pkcs11:id=%G1|not a percent-encoded byte",
        "pkcs11:id=%|two hex digits",
        "pkcs11:token|has no '=value'",
        "pkcs11:=x|has no '=value'",
        "pkcs11:token=a;;object=b|empty attribute",
        "pkcs11:token=a;|empty attribute",
        "pkcs11:token=a;token=b|appears twice",
        "pkcs11:slot-id=abc|decimal number",
        "pkcs11:type=key|type must be one of",
        "pkcs11:colour=red|is unknown",
        "pkcs11:?module-name=opensc|module-name is not supported",
        "pkcs11:?module-path=|module-path is empty",
        "pkcs11:?pin-source=https://example.org/pin|file: URI or a file path",
        "pkcs11:?pin-source=file://otherhost/pin|another host",
        "pkcs11:?colour=red|is unknown",
        "pkcs11:object=%FF%FE|not UTF-8",
        "pkcs:token=a|does not start with pkcs11:",
        "pkcs11:?module-path=/usr/lib/a%00b.so|not a file path",
        "pkcs11:?pin-source=file:/tmp/pin%00x|not a file path",
    })
    void badUrisAreUsageErrorsThatSayWhatIsWrong(String uri, String expected) {
        HsmkitException e = assertThrows(HsmkitException.class, () -> Pkcs11Uri.parse(uri));
        assertEquals(ErrorKind.USAGE, e.kind());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertTrue(e.hint().isPresent());
    }

    @Test
    void urisThatHsmkitWritesAreReadBackToTheSameValues() {
        byte[] id = {0, 1, (byte) 0xff, 0x25};
        String token = Pkcs11Uri.forToken("My Token;1", "Maker/Co", "Model 2", "0001");
        String key = Pkcs11Uri.forKey(token, id, "mail key%");
        Pkcs11Uri u = Pkcs11Uri.parse(key);
        assertEquals(Optional.of("My Token;1"), u.token());
        assertEquals(Optional.of("Maker/Co"), u.manufacturer());
        assertEquals(Optional.of("Model 2"), u.model());
        assertEquals(Optional.of("0001"), u.serial());
        assertEquals(Optional.of("mail key%"), u.object());
        assertArrayEquals(id, u.id().orElseThrow());
        assertEquals(Optional.of("private"), u.type());
    }

    @Test
    void keySelectorsTakeLabelsOrUrisThatNameAKey() {
        assertTrue(KeySelector.parse("mail").matches("mail", new byte[] {1}));
        assertFalse(KeySelector.parse("mail").matches("Mail", new byte[] {1}));
        assertTrue(KeySelector.parse("pkcs11:id=%01").matches("any", new byte[] {1}));
        assertFalse(KeySelector.parse("pkcs11:id=%01;object=x").matches("y", new byte[] {1}));
        HsmkitException noKey = assertThrows(HsmkitException.class, () -> KeySelector.parse("pkcs11:token=T"));
        assertTrue(noKey.getMessage().contains("names no key"), noKey.getMessage());
        assertThrows(HsmkitException.class, () -> KeySelector.parse("pkcs11:id=%01;type=secret-key"));
        assertThrows(HsmkitException.class, () -> KeySelector.parse(" "));
    }
}
