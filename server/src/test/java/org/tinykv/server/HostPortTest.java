package org.tinykv.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class HostPortTest {

    @Test
    void parsesHostAndPort() {
        assertEquals(new HostPort("127.0.0.1", 20160), HostPort.parse("127.0.0.1:20160"));
        assertEquals(new HostPort("localhost", 0), HostPort.parse("localhost:0"));
        assertEquals(new HostPort("::1", 9), HostPort.parse("[::1]:9"));
        assertEquals("[::1]:9", HostPort.parse("[::1]:9").toString());
        assertEquals("a:1", HostPort.parse("a:1").toString());
    }

    @Test
    void rejectsMalformedAddressesWithTheText() {
        for (String bad : new String[] {"", "host", ":80", "host:", "host:x", "host:70000", "host:-1", "::1:80"}) {
            final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HostPort.parse(bad),
                bad);
            assertTrue(e.getMessage().contains("address"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> HostPort.parse(null));
    }
}
