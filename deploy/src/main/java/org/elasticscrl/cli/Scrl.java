package org.elasticscrl.cli;

import org.elasticscrl.config.ConfigException;
import org.elasticscrl.core.data.DataUnavailableException;
import org.elasticscrl.core.run.CorruptCheckpointException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code scrl}: the command line of elastic-scrl. */
@Command(
        name = "scrl",
        mixinStandardHelpOptions = true,
        version = "elastic-scrl 0.1.0",
        description = "SCRL / BYOL pretraining of vision backbones on an elastic cluster.",
        subcommands = {DemoCommand.class, TrainCommand.class, LocalCommand.class, CoordinatorCommand.class, ChaosCommand.class,
                WorkerCommand.class, ExportCommand.class, FeaturesCommand.class,
                BenchCommand.class, KernelsCommand.class, ConfigCommand.class, ReportCommand.class, ShellCommand.class, OperatorCommands.Status.class,
                OperatorCommands.Workers.class, OperatorCommands.Members.class, OperatorCommands.History.class,
                OperatorCommands.Ledger.class, OperatorCommands.Checkpoints.class, OperatorCommands.Drain.class, OperatorCommands.Admit.class,
                OperatorCommands.Pause.class, OperatorCommands.Resume.class, OperatorCommands.CheckpointNow.class})
public final class Scrl {
    public static void main(String[] args) {
        org.elasticscrl.node.ComputeJvm.mainArgs(Scrl.class, args);
        System.exit(commandLine().execute(args));
    }

    /** The command line with our error handling: configuration errors print one clear line. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Scrl());
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof ConfigException || e instanceof CorruptCheckpointException
                    || e instanceof DataUnavailableException || e instanceof java.io.IOException) {
                cmd.getErr().println("scrl: " + e.getMessage());
                return 2;
            }
            throw e;
        });
        return cli;
    }
}
