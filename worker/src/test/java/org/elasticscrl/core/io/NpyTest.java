package org.elasticscrl.core.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyTest {
    @Test
    void writesAValidVersion1Header(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("x.npy");
        Npy.writeFloat32(f, new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        byte[] b = Files.readAllBytes(f);
        assertEquals((byte) 0x93, b[0]);
        assertEquals("NUMPY", new String(b, 1, 5, StandardCharsets.US_ASCII));
        int headerLen = ByteBuffer.wrap(b, 8, 2).order(ByteOrder.LITTLE_ENDIAN).getShort();
        assertEquals(0, (10 + headerLen) % 64, "data is 64-byte aligned");
        String header = new String(b, 10, headerLen, StandardCharsets.US_ASCII);
        assertTrue(header.contains("'shape': (2, 3)") && header.endsWith("\n"), header);
        assertEquals(6f, ByteBuffer.wrap(b, 10 + headerLen + 20, 4).order(ByteOrder.LITTLE_ENDIAN).getFloat());
    }
}
