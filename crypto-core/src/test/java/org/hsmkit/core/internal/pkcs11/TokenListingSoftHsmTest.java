package org.hsmkit.core.internal.pkcs11;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;

import org.hsmkit.core.PinSource;
import org.hsmkit.core.Token;
import org.hsmkit.core.TokenInfo;
import org.hsmkit.core.TokenOptions;
import org.hsmkit.core.TokenSpec;
import org.hsmkit.testdata.SoftHsmToken;
import org.junit.jupiter.api.Test;

/**
 * A token listing shows what a new process would see, although SoftHSM2 fixes its token list when
 * it is initialised and the module stays loaded for the life of the JVM (a mail server, a test run).
 */
class TokenListingSoftHsmTest {

    private static List<TokenInfo> list(SoftHsmToken any) {
        return TokenSpec.parse("pkcs11:").list(new TokenOptions(Optional.of(any.module()), PinSource.of(any.userPin()), false));
    }

    private static boolean lists(List<TokenInfo> all, SoftHsmToken t) {
        return all.stream().anyMatch(i -> i.label().equals(t.label()));
    }

    @Test
    void aTokenCreatedByAnotherProgramAfterTheModuleWasLoadedIsListed() {
        try (SoftHsmToken first = SoftHsmToken.create("listing")) {
            assertTrue(lists(list(first), first));
            try (SoftHsmToken second = SoftHsmToken.create("listing")) {
                List<TokenInfo> seen = list(second);
                assertTrue(lists(seen, second), "created by softhsm2-util after the module was loaded: " + second.label() + " " + seen);
            }
        }
    }

    @Test
    void aListingWhileATokenIsOpenKeepsItsLogin() {
        try (SoftHsmToken hsm = SoftHsmToken.create("listing")) {
            java.util.concurrent.atomic.AtomicInteger prompts = new java.util.concurrent.atomic.AtomicInteger();
            PinSource counting = (prompt, confirm) -> {
                prompts.incrementAndGet();
                return hsm.userPin();
            };
            try (Token open = TokenSpec.parse(hsm.uri()).open(new TokenOptions(Optional.of(hsm.module()), counting, false))) {
                int before = open.keys().size();
                assertEquals(1, prompts.get());
                assertTrue(lists(list(hsm), hsm));
                assertEquals(before, open.keys().size());
                assertEquals(1, prompts.get(), "no re-initialisation while a token is open: its login stands");
            }
        }
    }

    /** A URI that matches several tokens is refused, and the hint shows how to name one: by its label, as they differ. */
    @Test
    void severalMatchingTokensAreRefusedWithAWayToNameOne() {
        try (SoftHsmToken a = SoftHsmToken.create("several"); SoftHsmToken b = SoftHsmToken.create("several")) {
            org.hsmkit.core.HsmkitException e = org.junit.jupiter.api.Assertions.assertThrows(org.hsmkit.core.HsmkitException.class,
                    () -> TokenSpec.parse("pkcs11:model=SoftHSM%20v2").open(new TokenOptions(Optional.of(a.module()),
                            PinSource.of(a.userPin()), false)).close());
            assertEquals(org.hsmkit.core.ErrorKind.KEY, e.kind());
            assertTrue(e.getMessage().contains(" matches ") && e.getMessage().contains("'" + a.label() + "'")
                    && e.getMessage().contains("'" + b.label() + "'"), e.getMessage());
            assertTrue(e.hint().orElseThrow().startsWith("name one by its label, e.g. -t 'pkcs11:model=SoftHSM%20v2;token="), e.hint().toString());
        }
    }
}
