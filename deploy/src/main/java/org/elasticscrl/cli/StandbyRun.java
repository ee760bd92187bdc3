package org.elasticscrl.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.elasticscrl.config.ConfigLoader;
import org.elasticscrl.config.ScrlConfig;
import org.elasticscrl.core.run.RunDirectory;
import org.elasticscrl.protocol.ClusterSecret;
import org.elasticscrl.protocol.CoordinatorProtocol;
import org.elasticscrl.protocol.ShellProtocol;

/**
 * The run a standby coordinator stands by for: the one the active coordinator runs — its id, directory
 * and configuration, asked of it ({@code run}) once this node is a member. A standby never starts a run
 * of its own: one started without {@code --save_dir} (an easy slip) adopts the active run's; one given a
 * directory or configuration that contradicts the active run refuses to start, naming the difference.
 */
final class StandbyRun {
    private static final ObjectMapper JSON = new ObjectMapper();

    private StandbyRun() {}

    /**
     * Asks the active coordinator through {@code proxy} until it answers (the proxy finds the singleton
     * within seconds of joining; a coordinator still reading its state answers once it has), for at most
     * {@code patience}.
     *
     * @throws IllegalStateException naming the --join address when nothing answered
     */
    static JsonNode ask(ActorSystem<?> system, ActorRef<CoordinatorProtocol.Command> proxy, ClusterSecret secret,
            String join, Duration patience) throws InterruptedException {
        long end = System.nanoTime() + patience.toNanos();
        while (true) {
            try {
                var answer = ShellClient.askOnce(system, proxy, secret, "run", "");
                if (answer instanceof ShellProtocol.Answer a && a.ok()) {
                    return JSON.readTree(a.json());
                }
                throw new IllegalStateException("the coordinator at " + join + " refused to name its run: " + answer);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                if (System.nanoTime() > end) {
                    throw new IllegalStateException("no active coordinator answered at --join " + join + " within "
                            + patience.toSeconds() + " s: a standby takes its run from the active coordinator");
                }
            } catch (java.io.IOException e) {
                throw new IllegalStateException("unreadable answer from the coordinator at " + join + ": " + e, e);
            }
        }
    }

    /**
     * The active run as this standby will run it. {@code config} and {@code overrides} are what the standby
     * was started with ({@code config} null: none, take the active run's as it is).
     *
     * @throws IllegalArgumentException naming the keys (or the directory) where they contradict the active run
     */
    static CoordinatorCommand.Prepared adopt(JsonNode active, String config, List<String> overrides)
            throws java.io.IOException {
        String runId = active.path("run").asText();
        String saveDir = active.path("save_dir").asText();
        String activeYaml = active.path("config").asText();
        ScrlConfig activeCfg = ConfigLoader.fromYaml(activeYaml, "the configuration of run " + runId);
        if (config != null) {
            ScrlConfig given = ConfigLoader.load(config, overrides);
            if (given.saveDir() != null && !Path.of(given.saveDir()).toAbsolutePath().normalize()
                    .equals(Path.of(saveDir).toAbsolutePath().normalize())) {
                throw new IllegalArgumentException("--save_dir " + given.saveDir() + " is not the active run's directory "
                        + saveDir + " (run " + runId + "): a standby takes over the active run, it starts none of its own");
            }
            List<String> all = new ArrayList<>(overrides);
            all.add("--save_dir=" + saveDir);
            List<String> differ = ConfigLoader.differences(ConfigLoader.load(config, all), activeCfg);
            if (!differ.isEmpty()) {
                throw new IllegalArgumentException("--config " + config + " contradicts the active run " + runId
                        + "'s configuration (given vs active): " + String.join("; ", differ) + " — start the standby"
                        + " with --join only to take the active run's configuration as it is");
            }
        }
        return new CoordinatorCommand.Prepared(RunDirectory.at(Path.of(saveDir)), activeCfg, activeYaml);
    }
}
