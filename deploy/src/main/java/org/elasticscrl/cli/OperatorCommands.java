package org.elasticscrl.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * The operator's commands, each usable on its own ({@code scrl status --join host:port [--json]})
 * and inside {@code scrl shell}, where the connection is already open. Without {@code --json} the
 * answer is printed for people ({@link Answers}); with it, as the coordinator's JSON.
 */
final class OperatorCommands {
    private OperatorCommands() {}

    /** The connection an operator command uses: the shell's, or one of its own from --join. */
    static final class Connection {
        @Option(names = "--join", description = "The cluster to ask: host:port of a coordinator (several, comma-separated).")
        String join;

        @Option(names = "--bind-host", defaultValue = "127.0.0.1",
                description = "This node's address as the cluster sees it (default: ${DEFAULT-VALUE}).")
        String bindHost;

        @Mixin
        SecurityOptions security = new SecurityOptions();

        @Option(names = "--operator-port", defaultValue = "9096", description = "Ask the coordinators' operator"
                + " endpoint on this port of their hosts first (default: ${DEFAULT-VALUE}; 0: always join the cluster).")
        int operatorPort;

        /** Set by {@code scrl shell} while its REPL runs. */
        static ShellClient shared;

        ShellClient open() throws Exception {
            if (shared != null) {
                return shared;
            }
            if (join == null) {
                throw new IllegalArgumentException("--join host:port is needed: which cluster to ask");
            }
            return ShellClient.connect(join, bindHost, security.resolve(), Duration.ofSeconds(30));
        }

        void done(ShellClient c) {
            if (c != shared) {
                c.close();
            }
        }
    }

    /** One operator command: asks, prints, exits 0 — or prints the coordinator's refusal and exits 1. */
    abstract static class Base implements Callable<Integer> {
        @Mixin
        Connection connection = new Connection();

        @Option(names = "--json", description = "Print the answer as JSON (for scripts).")
        boolean json;

        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        abstract JsonNode ask(Asker asker) throws Exception;

        /** Whether the command reads the cluster's membership itself: it must join. */
        boolean joins() {
            return false;
        }

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            try {
                JsonNode answer = overHttp();
                if (answer == null) {
                    ShellClient client = connection.open();
                    try {
                        answer = ask(client);
                    } finally {
                        connection.done(client);
                    }
                }
                out.println(json ? answer.toPrettyString() : Answers.render(spec.name(), answer));
                out.flush();
                return 0;
            } catch (IllegalArgumentException | IllegalStateException e) {
                spec.commandLine().getErr().println("scrl " + spec.name() + ": " + e.getMessage());
                return 1;
            }
        }

        /** The answer from a coordinator's operator endpoint, or null when none answers (then the command joins). */
        private JsonNode overHttp() throws Exception {
            if (Connection.shared != null || joins() || connection.join == null) {
                return null;
            }
            var secret = SecurityOptions.secret(connection.security.resolve());
            try {
                return ask((command, argument) -> OperatorHttp.ask(connection.join, connection.operatorPort, secret,
                        command, argument).orElseThrow(NoEndpoint::new));
            } catch (NoEndpoint e) {
                if (connection.operatorPort > 0) {
                    spec.commandLine().getErr().println("scrl " + spec.name() + ": no operator endpoint of " + connection.join
                            + " answered on port " + connection.operatorPort + "; joining the cluster (slower)");
                }
                return null;
            }
        }
    }

    /** Asks the coordinator a command: through the cluster ({@link ShellClient}) or an operator endpoint. */
    interface Asker {
        JsonNode ask(String command, String argument) throws Exception;
    }

    /** No operator endpoint of the cluster answered: the command joins the cluster instead. */
    private static final class NoEndpoint extends RuntimeException {
        NoEndpoint() {
            super(null, null, false, false);
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "The run: step, epoch, LR, tau, batch, samples/s, ETA, and what the coordinator waits on.")
    static final class Status extends Base {
        @Override
        JsonNode ask(Asker c) throws Exception {
            return c.ask("status", "");
        }
    }

    @Command(name = "workers", mixinStandardHelpOptions = true,
            description = "Each worker: address, device, threads, state, lease share, samples/s, last heard, checksum.")
    static final class Workers extends Base {
        @Override
        JsonNode ask(Asker c) throws Exception {
            return c.ask("workers", "");
        }
    }

    @Command(name = "members", mixinStandardHelpOptions = true, description = "The cluster's members, roles and reachability.")
    static final class Members extends Base {
        @Override
        JsonNode ask(Asker c) {
            return ((ShellClient) c).members();
        }

        @Override
        boolean joins() {
            return true;
        }
    }

    @Command(name = "history", mixinStandardHelpOptions = true,
            description = "Recent membership changes, faults and recoveries, with times.")
    static final class History extends Base {
        @Override
        JsonNode ask(Asker c) throws Exception {
            return c.ask("history", "");
        }
    }

    @Command(name = "ledger", mixinStandardHelpOptions = true, description = "Epoch progress, the step under way, re-leased chunks.")
    static final class Ledger extends Base {
        @Override
        JsonNode ask(Asker c) throws Exception {
            return c.ask("ledger", "");
        }
    }

    @Command(name = "checkpoints", mixinStandardHelpOptions = true,
            description = "The durable checkpoints and where each copy lives.")
    static final class Checkpoints extends Base {
        @Override
        JsonNode ask(Asker c) throws Exception {
            return c.ask("checkpoints", "");
        }
    }

    @Command(name = "drain", mixinStandardHelpOptions = true,
            description = "Let a worker leave once its leased chunks are in.")
    static final class Drain extends Base {
        @Parameters(paramLabel = "WORKER", description = "The worker's id (see `workers`).")
        String worker;

        @Override
        JsonNode ask(Asker c) throws Exception {
            return c.ask("drain", worker);
        }
    }

    @Command(name = "admit", mixinStandardHelpOptions = true,
            description = "End a worker's quarantine (its contributions failed validation in a row): lease it chunks again.")
    static final class Admit extends Base {
        @Parameters(paramLabel = "WORKER", description = "The quarantined worker's id (see `workers`).")
        String worker;

        @Override
        JsonNode ask(Asker c) throws Exception {
            return c.ask("admit", worker);
        }
    }

    @Command(name = "pause", mixinStandardHelpOptions = true,
            description = "Commit the step under way, then wait (workers keep their state).")
    static final class Pause extends Base {
        @Override
        JsonNode ask(Asker c) throws Exception {
            return c.ask("pause", "");
        }
    }

    @Command(name = "resume", mixinStandardHelpOptions = true, description = "Go on from the step the run paused before.")
    static final class Resume extends Base {
        @Override
        JsonNode ask(Asker c) throws Exception {
            return c.ask("resume", "");
        }
    }

    @Command(name = "checkpoint", mixinStandardHelpOptions = true,
            description = "Write a durable checkpoint now (or right after the step under way).")
    static final class CheckpointNow extends Base {
        @Parameters(paramLabel = "now", arity = "0..1", description = "(optional word, as in `checkpoint now`)")
        String now;

        @Override
        JsonNode ask(Asker c) throws Exception {
            return c.ask("checkpoint", "");
        }
    }

    /** Every operator command, for the top-level CLI and the shell. */
    static final Class<?>[] ALL = {Status.class, Workers.class, Members.class, History.class, Ledger.class,
        Checkpoints.class, Drain.class, Admit.class, Pause.class, Resume.class, CheckpointNow.class};
}
