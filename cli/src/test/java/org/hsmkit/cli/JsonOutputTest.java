package org.hsmkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class JsonOutputTest {

    record Item(String name, Optional<String> note, Integer size, List<String> tags) {
    }

    @Test
    void recordsBecomeObjectsAndAbsentValuesAreLeftOut() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        JsonOutput.print(out, List.of(new Item("a\"b", Optional.empty(), null, List.of("x")),
                new Item("c", Optional.of("n"), 3, List.of())));
        String json = out.toString(StandardCharsets.UTF_8).replaceAll("\\s+", "");
        assertEquals("[{\"name\":\"a\\\"b\",\"tags\":[\"x\"]},{\"name\":\"c\",\"note\":\"n\",\"size\":3,\"tags\":[]}]", json);
    }
}
