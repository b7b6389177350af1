package org.tinykv.server.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreAddressBookTest {
    @TempDir
    Path dir;

    @Test
    void savesAndLoadsTheAddresses() throws IOException {
        final StoreAddressBook book = new StoreAddressBook(dir);
        assertTrue(book.load().isEmpty(), "no file: no addresses");
        book.save(Map.of(6L, "127.0.0.1:20162", 1L, "127.0.0.1:20160"));
        assertEquals("# tinykv store addresses v1\n1 127.0.0.1:20160\n6 127.0.0.1:20162\n",
            Files.readString(dir.resolve(StoreAddressBook.FILE)));
        assertEquals(Map.of(1L, "127.0.0.1:20160", 6L, "127.0.0.1:20162"), new StoreAddressBook(dir).load());
        book.save(Map.of(1L, "10.0.0.1:1"));
        assertEquals(Map.of(1L, "10.0.0.1:1"), book.load(), "replaced as a whole");
    }

    @Test
    void aDamagedFileIsIgnoredAsAWhole() throws IOException {
        final Path f = dir.resolve(StoreAddressBook.FILE);
        Files.writeString(f, "# tinykv store addresses v1\n1 127.0.0.1:20160\n2\n");
        assertTrue(new StoreAddressBook(dir).load().isEmpty());
        Files.writeString(f, "# something else\n1 a:1\n");
        assertTrue(new StoreAddressBook(dir).load().isEmpty());
        Files.writeString(f, "# tinykv store addresses v1\nx a:1\n");
        assertTrue(new StoreAddressBook(dir).load().isEmpty());
    }
}
