package org.elasticscrl.node;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.elasticscrl.platform.KernelPolicy;
import org.elasticscrl.platform.KernelPolicy.Choice;

/**
 * A JVM that computes starts with the native kernels its work needs ({@link KernelPolicy}): oneDNN reads
 * its ISA cap once, from the environment, so it cannot be set from Java after the start. Child JVMs this
 * project starts get {@link #environment} directly; a {@code scrl} command started any other way (the
 * launcher, {@code java -jar}, a container, a service manager) relaunches itself once with it
 * ({@link #relaunchIfNeeded}) and passes on the child's exit status. Measured cost: one extra JVM start of
 * the command-line classes, about 0.3 s, and a waiting parent of a few tens of MB.
 */
public final class ComputeJvm {
    /** Set in a relaunched JVM to its parent's pid: never relaunch twice, and leave when the parent dies. */
    static final String RELAUNCHED = "SCRL_RELAUNCHED_BY";
    private static volatile String[] mainArgs = new String[0];
    private static volatile Class<?> mainClass;

    private ComputeJvm() {}

    /** Called by the command line's main: what a relaunch runs again. */
    public static void mainArgs(Class<?> main, String[] args) {
        mainClass = main;
        mainArgs = args.clone();
        String parent = System.getenv(RELAUNCHED);
        if (parent != null) {
            // a parent killed outright (SIGKILL) cannot stop its child: the child notices and leaves
            ProcessHandle.of(Long.parseLong(parent)).ifPresent(p -> p.onExit().thenRun(() -> {
                System.err.println("scrl: the launching process " + parent + " is gone; stopping");
                System.exit(143);
            }));
        }
    }

    /**
     * The pid that names this process to the operator: the launching parent's when relaunched (so a
     * default worker id is the same before and after the relaunch).
     */
    public static long operatorPid() {
        String parent = System.getenv(RELAUNCHED);
        return parent != null ? Long.parseLong(parent) : ProcessHandle.current().pid();
    }

    /** Variables a child JVM computing with {@code choice} needs beyond this JVM's environment. */
    public static Map<String, String> environment(Choice choice) {
        return KernelPolicy.forThisJvm(choice).toSet();
    }

    /** The JVM flag that writes a fatal-error report into {@code crashDir}, where the worker finds it. */
    public static String errorFileFlag(Path crashDir) {
        return "-XX:ErrorFile=" + crashDir.toAbsolutePath().resolve("hs_err_pid%p.log");
    }

    /**
     * Returns the decision if this JVM already computes with the kernels {@code choice} needs and has
     * every flag of {@code jvmFlags}; otherwise runs this command again in a JVM that does, waits for it
     * and exits with its status (a SIGTERM to this JVM is passed on to it).
     */
    public static KernelPolicy.Decision relaunchIfNeeded(Choice choice, List<String> jvmFlags) {
        KernelPolicy.Decision d = KernelPolicy.forThisJvm(choice);
        List<String> current = ManagementFactory.getRuntimeMXBean().getInputArguments();
        List<String> missing = jvmFlags.stream().filter(f -> !current.contains(f)).toList();
        if (d.satisfied() && missing.isEmpty()) {
            return d;
        }
        if (System.getenv(RELAUNCHED) != null || mainClass == null) {
            throw new IllegalStateException("relaunched, yet still not what " + choice + " needs: " + d.toSet() + " "
                    + missing);
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        for (String arg : current) {
            boolean replaced = jvmFlags.stream().anyMatch(f -> f.startsWith("-XX:") && sameOption(f, arg));
            if (!replaced) {
                cmd.add(arg);
            }
        }
        cmd.addAll(jvmFlags);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass.getName()));
        cmd.addAll(List.of(mainArgs));
        if (!d.satisfied()) {
            System.err.println("scrl: computing with " + d.describe() + "; starting the JVM again with " + d.toSet()
                    + " (" + String.join("; ", d.reasons()) + ")");
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).inheritIO();
        pb.environment().putAll(d.toSet());
        pb.environment().put(RELAUNCHED, Long.toString(ProcessHandle.current().pid()));
        int status;
        try {
            Process child = pb.start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(child), "scrl-relaunch-stop"));
            status = child.waitFor();
        } catch (java.io.IOException e) {
            throw new IllegalStateException("could not start the JVM again: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            status = 130;
        }
        System.exit(status);
        throw new IllegalStateException("unreachable");
    }

    /** Ends the child when this JVM ends first (SIGTERM from a service manager): it leaves cleanly. */
    private static void stop(Process child) {
        if (!child.isAlive()) {
            return;
        }
        child.destroy();
        try {
            if (!child.waitFor(60, TimeUnit.SECONDS)) {
                child.destroyForcibly();
            }
        } catch (InterruptedException e) {
            child.destroyForcibly();
        }
    }

    /** Whether two {@code -XX:Name=value} flags set the same option. */
    private static boolean sameOption(String a, String b) {
        int ea = a.indexOf('=');
        int eb = b.indexOf('=');
        return ea > 0 && eb > 0 && a.substring(0, ea).equals(b.substring(0, eb));
    }
}
