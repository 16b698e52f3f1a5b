package org.hsmkit.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;

/**
 * The one JSON writer of the CLI: every {@code --json} report goes through {@link #print}. A
 * report is a record (or a map or list of them); its component names are the field names, which
 * makes them part of the documented schema. Absent values ({@code null}, empty {@code Optional})
 * are left out rather than written as {@code null}.
 */
final class JsonOutput {
    private static ObjectMapper mapper;

    private JsonOutput() {
    }

    /** Writes {@code report} as one pretty-printed JSON document and a newline to {@code out}. */
    static void print(OutputStream out, Object report) {
        try {
            mapper().writeValue(out, report);
            out.write('\n');
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Writes {@code report} as one JSON object on one line (JSON Lines), for a stream of events such
     * as a server's requests; whole lines only, also when several threads write.
     */
    static void printLine(java.io.PrintStream out, Object report) {
        try {
            String line = mapper().writer().without(SerializationFeature.INDENT_OUTPUT).writeValueAsString(report);
            synchronized (out) {
                out.println(line);
                out.flush();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static synchronized ObjectMapper mapper() {
        if (mapper == null) {
            // made on first use: the CLI's start-up does not pay for Jackson unless --json is given
            mapper = new ObjectMapper()
                    .registerModule(new Jdk8Module())
                    .enable(SerializationFeature.INDENT_OUTPUT)
                    .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)
                    .setSerializationInclusion(JsonInclude.Include.NON_ABSENT);
        }
        return mapper;
    }
}
