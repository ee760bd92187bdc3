package org.elasticscrl.worker;

import java.io.IOException;
import java.util.Locale;
import org.elasticscrl.platform.DurableFiles;

/**
 * A fault injected on purpose into this worker's durable checkpoint copies ({@code scrl chaos},
 * {@code scrl worker --disk-fault}): a disk that is full — every copy's write fails after its temporary file was
 * written, with the error a full disk gives — or a power cut: the JVM stops dead between a copy's temporary write
 * and its rename. The run must go on without the copy (never listing it as durable), no temporary may stay
 * behind (the failed write removes its own; a worker that starts again removes a killed one's), and the
 * manifest must never name a half-written copy.
 */
public enum DiskFault {
    NONE, FULL, POWER_CUT;

    /** {@code none full power-cut}, as on the command line. */
    public static DiskFault of(String name) {
        try {
            return valueOf(name.toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--disk-fault: '" + name + "' is not one of none, full, power-cut");
        }
    }

    /** How a copy's temporary file is filled on this worker's disk. */
    public DurableFiles.Writer around(DurableFiles.Writer write) {
        return switch (this) {
            case NONE -> write;
            case FULL -> tmp -> {
                write.writeTo(tmp);
                throw new IOException("No space left on device (injected: scrl worker --disk-fault full)");
            };
            case POWER_CUT -> tmp -> {
                write.writeTo(tmp);
                System.err.println("power cut (injected: scrl worker --disk-fault power-cut) after writing " + tmp);
                Runtime.getRuntime().halt(137); // no shutdown hook, no rename, no cleanup: as if the power went
            };
        };
    }
}
