package org.elasticscrl.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.elasticscrl.config.ConfigLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Unmatched;

/** {@code scrl config NAME|FILE [--a/b=v …]}: prints the effective configuration, or the keys. */
@Command(name = "config", mixinStandardHelpOptions = true,
        description = "Print the effective configuration (preset or file plus overrides) as YAML.")
final class ConfigCommand implements Callable<Integer> {
    @Option(names = "--config", description = "Preset (${COMPLETION-CANDIDATES}) or YAML file.",
            completionCandidates = Presets.class, defaultValue = "scrl_cpu")
    String config;

    @Option(names = "--keys", description = "List every overridable key instead.")
    boolean keys;

    @Unmatched
    List<String> overrides = new ArrayList<>();

    @Override
    public Integer call() {
        if (keys) {
            ConfigLoader.keys().forEach(k -> System.out.println("--" + k));
        } else {
            System.out.print(ConfigLoader.toYaml(ConfigLoader.load(config, overrides)));
        }
        return 0;
    }

    /** Preset names for help and completion. */
    static final class Presets extends ArrayList<String> {
        private static final long serialVersionUID = 1L;

        Presets() {
            super(ConfigLoader.PRESETS);
        }
    }
}
