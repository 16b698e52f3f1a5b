package org.hsmkit.core.internal.pkcs11;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.hsmkit.core.ErrorKind;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.PinSource;
import org.hsmkit.core.TokenOptions;
import org.hsmkit.core.TokenSpec;
import org.junit.jupiter.api.Test;

/** Which PKCS#11 module hsmkit loads, and what it says when there is none. */
class Pkcs11ModuleLocatorTest {
    private static final Path OPENSC = Path.of("/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so");
    private static final Path SUBDIR = Path.of("/usr/lib/x86_64-linux-gnu/pkcs11/opensc-pkcs11.so");
    private static final Path MINE = Path.of("/opt/hsm/lib.so");

    private static Path locate(Optional<Path> option, Optional<Path> uri, Map<String, String> env, Set<Path> files) {
        return Pkcs11ModuleLocator.locate(option, uri, env::get, files::contains, Pkcs11ModuleLocator.WELL_KNOWN);
    }

    @Test
    void anExplicitModuleWinsOverTheEnvironmentAndTheWellKnownPaths() {
        Map<String, String> env = Map.of("HSMKIT_PKCS11_MODULE", OPENSC.toString());
        assertEquals(MINE, locate(Optional.of(MINE), Optional.empty(), env, Set.of(MINE, OPENSC)));
        assertEquals(MINE, locate(Optional.empty(), Optional.of(MINE), env, Set.of(MINE, OPENSC)));
        assertEquals(MINE, locate(Optional.of(MINE), Optional.of(MINE), env, Set.of(MINE, OPENSC)));
    }

    @Test
    void theEnvironmentVariableWinsOverTheWellKnownPaths() {
        assertEquals(MINE, locate(Optional.empty(), Optional.empty(), Map.of("HSMKIT_PKCS11_MODULE", MINE.toString()),
                Set.of(MINE, OPENSC)));
    }

    @Test
    void theFirstWellKnownOpenScModuleIsTaken() {
        assertEquals(OPENSC, locate(Optional.empty(), Optional.empty(), Map.of(), Set.of(SUBDIR, OPENSC)));
        assertEquals(SUBDIR, locate(Optional.empty(), Optional.empty(), Map.of(), Set.of(SUBDIR)));
        assertEquals(Path.of("/Library/OpenSC/lib/opensc-pkcs11.so"), locate(Optional.empty(), Optional.empty(), Map.of(),
                Set.of(Path.of("/Library/OpenSC/lib/opensc-pkcs11.so"))));
    }

    @Test
    void withNoModuleAnywhereTheErrorListsEveryPathTriedAndSaysWhatToDo() {
        HsmkitException e = assertThrows(HsmkitException.class,
                () -> locate(Optional.empty(), Optional.empty(), Map.of(), Set.of()));
        assertEquals(ErrorKind.KEY, e.kind());
        for (String p : Pkcs11ModuleLocator.WELL_KNOWN) {
            assertTrue(e.getMessage().contains(p), p + " in " + e.getMessage());
        }
        String hint = e.hint().orElseThrow();
        assertTrue(hint.contains("--module") && hint.contains("HSMKIT_PKCS11_MODULE") && hint.contains("opensc"), hint);
    }

    @Test
    void aGivenModuleThatDoesNotExistIsAnErrorNotAFallBack() {
        HsmkitException e = assertThrows(HsmkitException.class,
                () -> locate(Optional.of(MINE), Optional.empty(), Map.of(), Set.of(OPENSC)));
        assertTrue(e.getMessage().contains(MINE.toString()), e.getMessage());
        HsmkitException env = assertThrows(HsmkitException.class, () -> locate(Optional.empty(), Optional.empty(),
                Map.of("HSMKIT_PKCS11_MODULE", MINE.toString()), Set.of(OPENSC)));
        assertTrue(env.getMessage().contains("HSMKIT_PKCS11_MODULE"), env.getMessage());
    }

    @Test
    void twoDifferentModulesAreAUsageError() {
        HsmkitException e = assertThrows(HsmkitException.class,
                () -> locate(Optional.of(MINE), Optional.of(OPENSC), Map.of(), Set.of(MINE, OPENSC)));
        assertEquals(ErrorKind.USAGE, e.kind());
    }

    @Test
    void openingATokenWithAMissingModuleFailsBeforeAnythingIsLoaded() {
        TokenOptions options = new TokenOptions(Optional.of(Path.of("/nonexistent/pkcs11.so")),
                PinSource.of("0000".toCharArray()), false);
        HsmkitException e = assertThrows(HsmkitException.class,
                () -> TokenSpec.parse("pkcs11:token=x").open(options));
        assertEquals(ErrorKind.KEY, e.kind());
        assertTrue(e.getMessage().contains("/nonexistent/pkcs11.so"), e.getMessage());
        assertThrows(HsmkitException.class, () -> TokenSpec.parse("pkcs11:token=x").list(options));
    }

    @Test
    void aFileThatIsNotAPkcs11ModuleIsAClearError() throws Exception {
        Path notAModule = java.nio.file.Files.createTempFile("not-a-module", ".so");
        try {
            TokenOptions options = new TokenOptions(Optional.of(notAModule), PinSource.of("0000".toCharArray()), false);
            HsmkitException e = assertThrows(HsmkitException.class, () -> TokenSpec.parse("pkcs11:").open(options));
            assertEquals(ErrorKind.KEY, e.kind());
            assertTrue(e.getMessage().contains("cannot load the PKCS#11 module"), e.getMessage());
        } finally {
            java.nio.file.Files.delete(notAModule);
        }
    }

    @Test
    void theWellKnownListCoversDebianFedoraLocalAndMacOs() {
        assertEquals(List.of(
                "/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so",
                "/usr/lib/x86_64-linux-gnu/pkcs11/opensc-pkcs11.so",
                "/usr/lib/aarch64-linux-gnu/opensc-pkcs11.so",
                "/usr/lib/aarch64-linux-gnu/pkcs11/opensc-pkcs11.so",
                "/usr/lib64/opensc-pkcs11.so",
                "/usr/lib64/pkcs11/opensc-pkcs11.so",
                "/usr/local/lib/opensc-pkcs11.so",
                "/usr/local/lib/pkcs11/opensc-pkcs11.so",
                "/Library/OpenSC/lib/opensc-pkcs11.so"), Pkcs11ModuleLocator.WELL_KNOWN);
    }
}
