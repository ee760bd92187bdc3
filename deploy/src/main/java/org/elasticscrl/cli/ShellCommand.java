package org.elasticscrl.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.reader.impl.DefaultParser;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.shell.jline3.PicocliCommands;

/**
 * {@code scrl shell --join host:port}: an operator's node in the cluster (role {@code shell}) with a
 * prompt — completion, history ({@code ~/.scrl_history}) — for the operator commands ({@code status},
 * {@code workers}, {@code members}, {@code history}, {@code ledger}, {@code checkpoints},
 * {@code drain W}, {@code admit W}, {@code pause}, {@code resume}, {@code checkpoint now}), each also a command of
 * its own for scripts. Reads commands from a pipe as well.
 */
@Command(name = "shell", mixinStandardHelpOptions = true,
        description = "A prompt in the cluster: status, workers, members, history, ledger, checkpoints, drain,"
                + " admit, pause, resume, checkpoint now.")
final class ShellCommand implements Callable<Integer> {
    @Option(names = "--join", required = true, description = "host:port of a coordinator (several, comma-separated).")
    String join;

    @Option(names = "--bind-host", defaultValue = "127.0.0.1", description = "This node's address (default: ${DEFAULT-VALUE}).")
    String bindHost;

    @Mixin
    SecurityOptions security = new SecurityOptions();

    /** The commands the prompt knows. */
    @Command(name = "", subcommands = {CommandLine.HelpCommand.class, Exit.class},
            description = "Operator commands; `help COMMAND` for one, `exit` to leave.")
    static final class Prompt {}

    @Command(name = "exit", aliases = "quit", description = "Leave the cluster and the shell.")
    static final class Exit implements Callable<Integer> {
        @Override
        public Integer call() {
            return 0; // the prompt loop ends on this word before running it
        }
    }

    @Override
    public Integer call() throws Exception {
        System.err.println("joining the cluster at " + join + " ...");
        try (ShellClient client = ShellClient.connect(join, bindHost, security.resolve(), Duration.ofSeconds(30));
                Terminal terminal = TerminalBuilder.builder().system(true).dumb(true).build()) {
            OperatorCommands.Connection.shared = client;
            CommandLine prompt = new CommandLine(new Prompt());
            for (Class<?> c : OperatorCommands.ALL) {
                prompt.addSubcommand(c);
            }
            prompt.setOut(terminal.writer()).setErr(terminal.writer());
            LineReader reader = LineReaderBuilder.builder().terminal(terminal)
                    .completer(new PicocliCommands(prompt).compileCompleters()).parser(new DefaultParser())
                    .variable(LineReader.HISTORY_FILE, Path.of(System.getProperty("user.home"), ".scrl_history"))
                    .build();
            terminal.writer().println("connected; commands: status workers members history ledger checkpoints"
                    + " drain WORKER admit WORKER pause resume checkpoint now help exit");
            while (true) {
                String line;
                try {
                    line = reader.readLine("scrl> ");
                } catch (UserInterruptException e) {
                    continue;
                } catch (EndOfFileException e) {
                    break;
                }
                if (line.isBlank()) {
                    continue;
                }
                String[] words = reader.getParser().parse(line, 0).words().stream().filter(w -> !w.isEmpty())
                        .toArray(String[]::new);
                if (words[0].equals("exit") || words[0].equals("quit")) {
                    break;
                }
                prompt.execute(words);
                terminal.writer().flush();
            }
        } finally {
            OperatorCommands.Connection.shared = null;
        }
        return 0;
    }
}
