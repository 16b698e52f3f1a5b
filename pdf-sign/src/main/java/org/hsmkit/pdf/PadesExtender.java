package org.hsmkit.pdf;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.hsmkit.core.AtomicOutput;
import org.hsmkit.core.DigestAlgorithm;
import org.hsmkit.core.ErrorKind;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.WorkFiles;
import org.hsmkit.pdf.internal.Increments;
import org.hsmkit.pdf.internal.TimestampClient;
import org.hsmkit.pdf.internal.ValidationDataCollector;

/**
 * Lifts the signatures of a PDF (also ones made elsewhere) to B-LT by appending a /DSS with their
 * certificates and revocation data, and to B-LTA by appending a document time-stamp after it.
 * Run B-LTA again on an LTA file to renew its archive time-stamp before the last one's
 * certificate expires: the new /DSS then also covers the previous document time-stamp.
 * Needs no key. The output appears only when complete and verified.
 */
public final class PadesExtender {
    private final PadesLevel level;
    private final TimestampClient tsa;
    private final DigestAlgorithm digest;
    private final ValidationDataSources sources;
    private final char[] password;

    public PadesExtender(PadesLevel level, String tsaUrl, DigestAlgorithm digest, ValidationDataSources sources, char[] password) {
        if (level != PadesLevel.B_LT && level != PadesLevel.B_LTA) {
            throw new HsmkitException(ErrorKind.USAGE, "extend lifts signatures to B-LT or B-LTA, not " + level,
                    "use --level B-LT or --level B-LTA");
        }
        if (level == PadesLevel.B_LTA && tsaUrl == null) {
            throw new HsmkitException(ErrorKind.USAGE, "B-LTA needs a time-stamping authority", "give --tsa URL");
        }
        this.level = level;
        this.tsa = tsaUrl == null ? null : new TimestampClient(tsaUrl);
        this.digest = digest;
        this.sources = sources;
        this.password = password == null ? null : password.clone();
    }

    /**
     * Extends {@code input} into {@code output}; nothing is written there on any failure.
     *
     * @return what verifiers will object to in the output, such as revocation data signed with SHA-1
     */
    public List<String> extend(Path input, Path output, boolean force) {
        AtomicOutput.checkTarget(output, force, input);
        Path stage = null;
        try (AtomicOutput out = AtomicOutput.toFile(output, force, input)) {
            ValidationDataCollector collector = new ValidationDataCollector(sources);
            if (level == PadesLevel.B_LT) {
                Increments.addDss(input, password, collector, out.stream());
            } else {
                stage = WorkFiles.beside(output, ".stage");
                try (OutputStream s = Files.newOutputStream(stage)) {
                    Increments.addDss(input, password, collector, s);
                }
                Increments.addDocumentTimestamp(stage, password, tsa, digest, out.stream());
            }
            out.stream().flush();
            SelfCheck.requireIntact(out.temporaryFile(), password, null);
            out.commit();
            return collector.warnings();
        } catch (IOException e) {
            throw HsmkitException.io("cannot write " + output + ": " + e.getMessage(), e);
        } finally {
            if (stage != null) {
                try {
                    Files.deleteIfExists(stage);
                } catch (IOException ignored) {
                    // hidden leftover
                }
            }
        }
    }
}
