package org.civicgraph.neo4jrunner;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.neo4j.configuration.GraphDatabaseInternalSettings;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.connectors.HttpsConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.io.ByteUnit;
import org.neo4j.logging.Level;
import org.neo4j.logging.log4j.Log4jLogProvider;

/**
 * Embedded Neo4j Community DBMS with a loopback-only Bolt connector, for local dev and tests.
 * Usage: Runner --dir DIR [--port 7687] [--pagecache 512m] [--tx-timeout 60s] [--tx-log-retention "1G size"]
 *               [--plugins PLUGIN_DIR]
 * Data lives in DIR/data, Neo4j's own logs in DIR/logs. Prints "READY bolt://127.0.0.1:PORT" once up.
 * --tx-log-retention is db.tx_log.rotation.retention_policy. Neo4j's default keeps two days of
 * transaction logs whatever their size, which is for backups and cluster catch-up; these local
 * instances have neither, and a day of benchmark imports left 59 GiB of logs that filled the disk.
 * Logs beyond the policy are pruned at each checkpoint (every 15 minutes or 100k transactions,
 * and at shutdown); recovery needs only those since the last checkpoint, which are always kept.
 * With --plugins, procedure jars (e.g. APOC core, for the benchmark's @neo4j/graphql peer) are loaded
 * from PLUGIN_DIR and apoc.* procedures are allowed; without it nothing changes.
 */
public final class Runner {
    public static void main(String[] args) throws Exception {
        Map<String, String> opt = new HashMap<>(Map.of("--port", "7687", "--pagecache", "512m", "--tx-timeout", "60s",
                "--tx-log-retention", "1G size"));
        for (int i = 0; i + 1 < args.length; i += 2) opt.put(args[i], args[i + 1]);
        if (!opt.containsKey("--dir")) {
            System.err.println("usage: Runner --dir DIR [--port 7687] [--pagecache 512m] [--tx-timeout 60s]"
                    + " [--tx-log-retention \"1G size\"] [--plugins PLUGIN_DIR]");
            System.exit(2);
        }
        long t0 = System.nanoTime();
        int port = Integer.parseInt(opt.get("--port"));
        SocketAddress bolt = new SocketAddress("127.0.0.1", port);
        DatabaseManagementServiceBuilder builder = new DatabaseManagementServiceBuilder(Path.of(opt.get("--dir")).toAbsolutePath())
                .setUserLogProvider(new Log4jLogProvider(System.out, Level.INFO))
                .setConfig(GraphDatabaseSettings.default_listen_address, new SocketAddress("127.0.0.1"))
                .setConfig(GraphDatabaseSettings.default_advertised_address, new SocketAddress("127.0.0.1"))
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, bolt)
                .setConfig(BoltConnector.advertised_address, bolt) // routing table for neo4j:// URIs
                .setConfig(BoltConnector.encryption_level, BoltConnector.EncryptionLevel.DISABLED)
                .setConfig(HttpConnector.enabled, false)
                .setConfig(HttpsConnector.enabled, false)
                .setConfig(GraphDatabaseSettings.auth_enabled, false)
                .setConfig(GraphDatabaseSettings.pagecache_memory, ByteUnit.parse(opt.get("--pagecache")))
                .setConfig(GraphDatabaseSettings.transaction_timeout, parseDuration(opt.get("--tx-timeout")))
                .setConfig(GraphDatabaseSettings.keep_logical_logs, opt.get("--tx-log-retention"))
                .setConfig(GraphDatabaseSettings.udc_enabled, false) // dbms.usage_report.enabled
                .setConfig(GraphDatabaseInternalSettings.netty_server_shutdown_quiet_period, 0); // default 5s, twice per stop
        if (opt.containsKey("--plugins")) {
            builder.setConfig(GraphDatabaseSettings.plugin_dir, Path.of(opt.get("--plugins")).toAbsolutePath())
                    .setConfig(GraphDatabaseSettings.procedure_unrestricted, List.of("apoc.*"));
        }
        DatabaseManagementService dbms = builder.build();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            long s0 = System.nanoTime();
            System.out.println("neo4j-runner: shutting down");
            dbms.shutdown();
            System.out.printf("neo4j-runner: stopped in %.1fs%n", (System.nanoTime() - s0) / 1e9);
            System.out.flush();
            stopped.countDown();
        }, "neo4j-runner-shutdown"));
        if (!dbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME).isAvailable(TimeUnit.MINUTES.toMillis(3))) {
            System.err.println("neo4j-runner: default database did not become available");
            System.exit(1);
        }
        System.out.printf("READY bolt://127.0.0.1:%d (embedded DBMS up in %.1fs)%n", port, (System.nanoTime() - t0) / 1e9);
        System.out.flush();
        stopped.await();
    }

    private static Duration parseDuration(String s) {
        if (s.endsWith("ms")) return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
        if (s.endsWith("m")) return Duration.ofMinutes(Long.parseLong(s.substring(0, s.length() - 1)));
        if (s.endsWith("s")) return Duration.ofSeconds(Long.parseLong(s.substring(0, s.length() - 1)));
        return Duration.ofSeconds(Long.parseLong(s));
    }
}
