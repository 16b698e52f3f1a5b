package org.hsmkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * What a Java developer gets from the build: each library jar names its module, comes with a
 * sources jar and a javadoc jar, and the BOM pins every module and Bouncy Castle at the versions
 * the build uses. Runs after the reactor packaged the modules.
 */
class LibraryPackagingIT {
    private static final Path ROOT = Path.of("..");
    private static final Map<String, String> LIBRARIES = Map.of("crypto-core", "org.hsmkit.core", "smime", "org.hsmkit.smime",
            "pdf-sign", "org.hsmkit.pdf");

    private static Document pom(Path p) throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(p.toFile());
    }

    private static String child(Element e, String name) {
        NodeList l = e.getElementsByTagName(name);
        return l.getLength() == 0 ? null : l.item(0).getTextContent().trim();
    }

    private static String version() throws Exception {
        return child(pom(ROOT.resolve("pom.xml")).getDocumentElement(), "version");
    }

    @Test
    void everyLibraryJarNamesItsModuleAndHasSourcesAndJavadoc() throws Exception {
        String v = version();
        for (Map.Entry<String, String> m : LIBRARIES.entrySet()) {
            Path target = ROOT.resolve(m.getKey()).resolve("target");
            try (JarFile jar = new JarFile(target.resolve(m.getKey() + "-" + v + ".jar").toFile())) {
                assertEquals(m.getValue(), jar.getManifest().getMainAttributes().getValue("Automatic-Module-Name"), m.getKey());
            }
            for (String classifier : List.of("sources", "javadoc")) {
                Path p = target.resolve(m.getKey() + "-" + v + "-" + classifier + ".jar");
                assertTrue(Files.size(p) > 1000, p + " is missing or empty");
            }
        }
        try (JarFile jar = new JarFile(Path.of("target/hsmkit-cli.jar").toFile())) {
            assertEquals("org.hsmkit.cli", jar.getManifest().getMainAttributes().getValue("Automatic-Module-Name"));
        }
    }

    @Test
    void theBomPinsEveryModuleAndBouncyCastleAtTheBuildsVersions() throws Exception {
        Document parent = pom(ROOT.resolve("pom.xml"));
        Document bom = pom(ROOT.resolve("bom/pom.xml"));
        Element bomProps = (Element) bom.getElementsByTagName("properties").item(0);
        Element parentProps = (Element) parent.getElementsByTagName("properties").item(0);
        assertEquals(version(), child(bomProps, "hsmkit.version"), "the BOM's hsmkit.version must move with the build's version");
        assertEquals(version(), child(bom.getDocumentElement(), "version"));
        assertEquals(child(parentProps, "bouncycastle.version"), child(bomProps, "bouncycastle.version"));
        List<String> pinned = new ArrayList<>();
        NodeList deps = bom.getElementsByTagName("dependency");
        for (int i = 0; i < deps.getLength(); i++) {
            pinned.add(child((Element) deps.item(i), "artifactId"));
        }
        for (String m : List.of("crypto-core", "smime", "pdf-sign", "cli", "bcprov-jdk18on", "bcpkix-jdk18on", "bcutil-jdk18on",
                "bcpg-jdk18on", "bcjmail-jdk18on")) {
            assertTrue(pinned.contains(m), "the BOM does not pin " + m);
        }
    }
}
