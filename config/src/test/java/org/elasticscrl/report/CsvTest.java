package org.elasticscrl.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvTest {
    @TempDir
    Path dir;

    @Test
    void aCellWithACommaAQuoteOrALineBreakReadsBackAsWritten() throws Exception {
        String detail = "its layout is [2, 1]; it said \"no\"\nand then stopped";
        String row = Csv.row(1_700_000_000_000L, 12, "worker-0", "refused", detail);
        assertEquals("1700000000000,12,worker-0,refused,\"its layout is [2, 1]; it said \"\"no\"\"\nand then stopped\"",
                row);
        Path f = dir.resolve("membership.csv");
        Files.writeString(f, "unix_millis,global_step,worker,event,detail\n" + row + "\n" + Csv.row(2, 13, "w,1", "x", "")
                + "\n");
        List<String[]> rows = Csv.dataRows(f, 5);
        assertEquals(2, rows.size());
        assertEquals(detail, rows.get(0)[4]);
        assertArrayEquals(new String[] {"2", "13", "w,1", "x", ""}, rows.get(1));
        assertEquals(Map.of("unix_millis", "2", "global_step", "13", "worker", "w,1", "event", "x", "detail", ""),
                Csv.records(f).get(1));
    }

    @Test
    void plainCellsAreNotQuotedAndNumbersKeepTheirWritersFormat() {
        assertEquals("3,worker-1,own replica at step 3,0.500000000,", Csv.row(3, "worker-1", "own replica at step 3",
                String.format("%.9f", 0.5), null));
    }

    @Test
    void aRowCutShortByACrashIsDroppedAndTheRowsBeforeItStand() {
        List<List<String>> rows = Csv.rows("step,detail\n0,a\n1,\"cut sh");
        assertEquals(List.of(List.of("step", "detail"), List.of("0", "a")), rows);
    }

    @Test
    void shortRowsAreLeftOutOfDataRowsAndAMissingFileHasNone() throws Exception {
        Path f = dir.resolve("commits.csv");
        Files.writeString(f, "a,b,c\n1,2,3\n4,5\n");
        assertEquals(1, Csv.dataRows(f, 3).size());
        assertEquals(2, Csv.dataRows(f, 2).size());
        assertEquals(List.of(), Csv.dataRows(dir.resolve("none.csv"), 1));
    }
}
