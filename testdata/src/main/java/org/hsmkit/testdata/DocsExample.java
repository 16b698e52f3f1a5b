package org.hsmkit.testdata;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Keeps the Java examples of the docs honest: an example lives in a test, between the lines
 * {@code // docs:NAME} and {@code // docs:end}, where it is compiled and run; {@link #quoted}
 * checks that a Markdown file shows exactly those lines (indentation aside), so the docs cannot
 * drift from code that works.
 */
public final class DocsExample {
    private DocsExample() {
    }

    /** The lines of example {@code name} in {@code source}, common indentation removed. */
    public static List<String> lines(Path source, String name) {
        List<String> all = read(source);
        int start = -1;
        for (int i = 0; i < all.size(); i++) {
            if (all.get(i).trim().equals("// docs:" + name)) {
                start = i + 1;
            }
        }
        if (start < 0) {
            throw new IllegalArgumentException("no example '" + name + "' in " + source);
        }
        List<String> out = new ArrayList<>();
        for (int i = start; !all.get(i).trim().equals("// docs:end"); i++) {
            out.add(all.get(i));
        }
        int indent = out.stream().filter(l -> !l.isBlank()).mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
        return out.stream().map(l -> l.isBlank() ? "" : l.substring(indent)).map(String::stripTrailing).toList();
    }

    /** Null when {@code markdown} shows the example line for line; otherwise what is missing. */
    public static String quoted(Path markdown, Path source, String name) {
        List<String> example = lines(source, name);
        List<String> wanted = example.stream().map(String::strip).toList();
        List<String> doc = read(markdown).stream().map(String::strip).toList();
        for (int i = 0; i + wanted.size() <= doc.size(); i++) {
            if (doc.subList(i, i + wanted.size()).equals(wanted)) {
                return null;
            }
        }
        return markdown.getFileName() + " does not show example '" + name + "' as it is in " + source.getFileName()
                + "; it should contain:\n" + String.join("\n", example);
    }

    private static List<String> read(Path p) {
        try {
            return Files.readAllLines(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
