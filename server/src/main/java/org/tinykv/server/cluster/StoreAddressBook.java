package org.tinykv.server.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The addresses of the other stores that this store last learned from the scheduler, kept in
 * {@code <data-dir>/store-addresses} so that a store restarted while the scheduler is down can still reach its
 * peers. The file is advisory: it is replaced atomically (written beside, then renamed), a damaged or missing file
 * is ignored with a warning, and the scheduler's answers always win. Format: docs/formats/store-addresses.md.
 *
 * <p>Thread-safety: {@link #save} is synchronized; loads happen before the store starts.
 */
final class StoreAddressBook {
    private static final Logger LOG = LoggerFactory.getLogger(StoreAddressBook.class);
    static final String FILE = "store-addresses";
    private static final String HEADER = "# tinykv store addresses v1";

    private final Path file;

    StoreAddressBook(final Path dataDir) {
        this.file = dataDir.resolve(FILE);
    }

    /** The saved addresses by store id; empty if there is no usable file. */
    Map<Long, String> load() {
        final Map<Long, String> out = new TreeMap<>();
        if (!Files.exists(file)) {
            return out;
        }
        try {
            final var lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            if (lines.isEmpty() || !HEADER.equals(lines.get(0))) {
                LOG.warn("event=store_addresses_ignored file={} reason=\"unknown header\"", file);
                return Map.of();
            }
            for (int i = 1; i < lines.size(); i++) {
                final String[] parts = lines.get(i).split(" ");
                if (parts.length != 2) {
                    LOG.warn("event=store_addresses_ignored file={} line={} reason=\"malformed\"", file, i + 1);
                    return Map.of();
                }
                out.put(Long.parseUnsignedLong(parts[0]), parts[1]);
            }
            return out;
        } catch (IOException | NumberFormatException e) {
            LOG.warn("event=store_addresses_ignored file={} reason=\"{}\"", file, e.toString());
            return Map.of();
        }
    }

    /** Replaces the file with {@code addresses}; a failure is logged, never thrown (the file is only a hint). */
    synchronized void save(final Map<Long, String> addresses) {
        final StringBuilder text = new StringBuilder(HEADER).append('\n');
        new TreeMap<>(addresses).forEach((id, addr) -> text.append(Long.toUnsignedString(id)).append(' ')
            .append(addr).append('\n'));
        final Path tmp = file.resolveSibling(FILE + ".tmp");
        try {
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            LOG.warn("event=store_addresses_not_saved file={} error=\"{}\"", file, e.toString());
        }
    }
}
