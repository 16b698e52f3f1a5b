package org.hsmkit.core.internal.card;

import static org.hsmkit.core.internal.card.Pkcs15Files.DATA_PREFIX;
import static org.hsmkit.core.internal.card.Pkcs15Files.DCOD_PREFIX;
import static org.hsmkit.core.internal.card.Pkcs15Files.PROT_DATA_PREFIX;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.hsmkit.core.DataObject;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.internal.DataObjectRules;

/**
 * Data objects on a SmartCard-HSM as OpenSC stores them: a PKCS#15 description in C9xx and the
 * value in CDxx (private: readable after the user PIN) or CFxx (public), the same xx. Call
 * inside a transaction.
 */
final class CardDataObjects {
    private final CardToken token;

    CardDataObjects(CardToken token) {
        this.token = token;
    }

    private ScHsmApplet applet() {
        return token.session().applet();
    }

    /** A description and the file identifier of the description itself. */
    private record Entry(int descriptionFile, Pkcs15Files.DataObject description) {
    }

    private List<Entry> entries(List<Integer> fids) {
        List<Entry> all = new ArrayList<>();
        for (int fid : fids) {
            if ((fid >>> 8) != DCOD_PREFIX) {
                continue;
            }
            Optional<byte[]> d = applet().read(fid);
            if (d.isEmpty() || d.get().length == 0) {
                continue;
            }
            try {
                all.add(new Entry(fid, Pkcs15Files.DataObject.parse(d.get())));
            } catch (IllegalArgumentException e) {
                // a description this version cannot read is left alone
            }
        }
        return all;
    }

    List<DataObject> list() {
        List<DataObject> out = new ArrayList<>();
        for (Entry e : entries(applet().enumerate())) {
            Pkcs15Files.DataObject d = e.description();
            int size = -1;
            if (!d.privateObject() || token.session().loggedIn()) {
                size = applet().read(d.dataFile()).map(v -> v.length).orElse(-1);
            }
            out.add(new DataObject(d.label(), d.application(), size, d.privateObject()));
        }
        return out;
    }

    DataObject write(String label, String application, byte[] value, boolean privateObject) {
        DataObjectRules.check(label, value);
        List<Integer> fids = applet().enumerate();
        if (entries(fids).stream().anyMatch(e -> e.description().label().equals(label))) {
            throw DataObjectRules.exists(label, token.name());
        }
        int id = freeId(fids);
        int dataFile = ((privateObject ? PROT_DATA_PREFIX : DATA_PREFIX) << 8) | id;
        Pkcs15Files.DataObject d = new Pkcs15Files.DataObject(label, application, privateObject, dataFile);
        token.session().login();
        applet().write(dataFile, value);
        try {
            applet().write((DCOD_PREFIX << 8) | id, d.encode());
        } catch (RuntimeException e) {
            applet().delete(dataFile);
            throw e;
        }
        return new DataObject(label, application, value.length, privateObject);
    }

    /** The first id free in both the description and the value ranges, from 0 as OpenSC counts. */
    private int freeId(List<Integer> fids) {
        for (int id = 0; id < 256; id++) {
            int i = id;
            if (fids.stream().noneMatch(f -> (f & 0xFF) == i
                    && ((f >>> 8) == DCOD_PREFIX || (f >>> 8) == PROT_DATA_PREFIX || (f >>> 8) == DATA_PREFIX))) {
                return id;
            }
        }
        throw HsmkitException.key(token.name() + " has no room for another data object (256)", "delete data objects you no longer need");
    }

    private Entry find(String label) {
        List<Entry> found = entries(applet().enumerate()).stream().filter(e -> e.description().label().equals(label)).toList();
        if (found.isEmpty()) {
            throw DataObjectRules.missing(label, token.name());
        }
        if (found.size() > 1) {
            throw HsmkitException.key(found.size() + " data objects are labelled '" + label + "' on " + token.name(),
                    "remove the extra ones with OpenSC's tools (pkcs11-tool --delete-object --type data)");
        }
        return found.get(0);
    }

    byte[] read(String label) {
        Entry e = find(label);
        if (e.description().privateObject()) {
            token.session().login();
        }
        return applet().read(e.description().dataFile()).orElseThrow(() -> HsmkitException.key("the value of the data object '"
                + label + "' is missing on " + token.name(), "delete the object and write it again"));
    }

    void delete(String label) {
        Entry e = find(label);
        token.session().login();
        applet().delete(e.description().dataFile());
        applet().delete(e.descriptionFile());
    }
}
