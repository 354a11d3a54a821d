package dev.patchbay.harness;

import dev.patchbay.updater.port.KeyValueStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * A SharedPreferences file as Android keeps it: {@code shared_prefs/<name>.xml} holding
 * {@code <map><string name="k">v</string></map>}, read once into memory when the process opens it. A commit writes
 * the whole map to a temporary file, syncs it, renames it over the old one and syncs the folder, so the file is
 * always the old or the new map, whole. (Android keeps a {@code .bak} of the old file for the same purpose; a
 * {@code .bak} left by a real device is honoured on open.) Each commit is one persisted write for the
 * {@link KillSwitch} and takes its size from the {@link DiskSpace}.
 */
public final class SharedPrefsFile implements KeyValueStore {
    private final Path file;
    private final String name;
    private final AppProcess process;
    private final DiskSpace disk;
    private final boolean fsync;
    private Map<String, String> map;

    SharedPrefsFile(Path sharedPrefsDir, String name, AppProcess process, DiskSpace disk) {
        this(sharedPrefsDir, name, process, disk, true);
    }

    /** {@code fsync} false: a commit skips its two fsyncs (see {@link DeviceEnvironment#fsync()}). */
    SharedPrefsFile(Path sharedPrefsDir, String name, AppProcess process, DiskSpace disk, boolean fsync) {
        this.file = sharedPrefsDir.resolve(name + ".xml");
        this.name = name;
        this.process = process;
        this.disk = disk;
        this.fsync = fsync;
        this.map = load(file);
    }

    /** Reads a preferences file as a device would (empty map if missing). */
    public static Map<String, String> load(Path file) {
        try {
            Path backup = file.resolveSibling(file.getFileName() + ".bak");
            if (Files.exists(backup)) {
                Files.move(backup, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
            Files.deleteIfExists(file.resolveSibling(file.getFileName() + ".tmp"));
            return parse(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            return new TreeMap<>();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file, e);
        }
    }

    static Map<String, String> parse(byte[] xml) throws IOException {
        Map<String, String> out = new TreeMap<>();
        if (xml.length == 0) {
            return out;
        }
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setExpandEntityReferences(false);
            Element root = f.newDocumentBuilder().parse(new ByteArrayInputStream(xml)).getDocumentElement();
            NodeList children = root.getChildNodes();
            for (int i = 0; i < children.getLength(); i++) {
                if (children.item(i).getNodeType() != Node.ELEMENT_NODE) {
                    continue;
                }
                Element e = (Element) children.item(i);
                String key = e.getAttribute("name");
                out.put(key, e.getTagName().equals("string") ? e.getTextContent() : e.getAttribute("value"));
            }
            return out;
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException("Malformed preferences file: " + e.getMessage(), e);
        }
    }

    static byte[] format(Map<String, String> map) {
        StringBuilder sb = new StringBuilder("<?xml version='1.0' encoding='utf-8' standalone='yes' ?>\n<map>\n");
        for (Map.Entry<String, String> e : map.entrySet()) {
            sb.append("    <string name=\"").append(escape(e.getKey(), true)).append("\">")
                    .append(escape(e.getValue(), false)).append("</string>\n");
        }
        return sb.append("</map>\n").toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String escape(String s, boolean attribute) {
        StringBuilder sb = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '&' -> sb.append("&amp;");
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '"' -> sb.append(attribute ? "&quot;" : "\"");
                default -> {
                    if (c < 0x20 && c != '\n' && c != '\t') {
                        sb.append("&#").append((int) c).append(';');
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.toString();
    }

    @Override
    public synchronized String get(String key) {
        process.checkAlive();
        return map.get(key);
    }

    @Override
    public synchronized Map<String, String> all() {
        process.checkAlive();
        return Collections.unmodifiableMap(new TreeMap<>(map));
    }

    /** What is in memory, readable even after the process died (for the harness's own views). */
    synchronized Map<String, String> snapshot() {
        return new TreeMap<>(map);
    }

    @Override
    public synchronized void commit(Map<String, String> puts, Set<String> removes) {
        Map<String, String> next = new TreeMap<>(map);
        next.putAll(puts);
        removes.forEach(next::remove);
        StringBuilder what = new StringBuilder("prefs ").append(name);
        if (!puts.isEmpty()) {
            what.append(" put ").append(new TreeMap<>(puts).keySet());
        }
        if (!removes.isEmpty()) {
            what.append(" remove ").append(new java.util.TreeSet<>(removes));
        }
        process.beforeWrite(what.toString());
        byte[] bytes = format(next);
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            Files.createDirectories(file.getParent());
            long old = Files.exists(file) ? Files.size(file) : 0;
            disk.take(Math.max(0, bytes.length - old));
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buf = ByteBuffer.wrap(bytes);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                if (fsync) {
                    ch.force(true);
                }
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            if (fsync) {
                DeviceFileStore.fsyncDir(file.getParent());
            }
        } catch (IOException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // the next open deletes it
            }
            throw new UncheckedIOException("Cannot commit " + file.getFileName() + ": " + e.getMessage(), e);
        }
        map = next;
    }
}
