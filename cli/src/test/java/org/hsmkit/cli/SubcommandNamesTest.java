package org.hsmkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import picocli.CommandLine.Command;

/** The start-up table of subcommand names says what the commands' own annotations say. */
class SubcommandNamesTest {
    @Test
    void everyNameInTheTableIsTheNameOfItsCommandAndNoAliasIsMissing() {
        List<String> fromAnnotations = new ArrayList<>();
        for (Class<?> c : HsmkitCommand.SUBCOMMANDS) {
            Command command = c.getAnnotation(Command.class);
            fromAnnotations.add(command.name());
            for (String alias : command.aliases()) {
                fromAnnotations.add(alias);
            }
        }
        assertEquals(fromAnnotations, List.copyOf(HsmkitCommand.BY_NAME.keySet()));
        for (Map.Entry<String, Class<?>> e : HsmkitCommand.BY_NAME.entrySet()) {
            assertEquals(e.getKey(), e.getValue().getAnnotation(Command.class).name());
        }
    }

    @Test
    void aRunNamingOneCommandBuildsOnlyThatCommand() {
        var cl = HsmkitCli.createFor(CliContext.system(), "-q", "encrypt", "-r", "x.pem", "f");
        assertEquals(List.of("encrypt"), List.copyOf(cl.getSubcommands().keySet()));
    }
}
