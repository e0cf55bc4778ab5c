package io.checkpointrelay.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.checkpointrelay.protocol.Topics;
import io.checkpointrelay.stack.DeploymentSettings;
import io.checkpointrelay.stack.RelayService;

/**
 * deploy/k8s as {@code kubectl kustomize} renders each overlay: every Deployment has probes,
 * resources and every setting its service needs (under the name it reads, from a ConfigMap or a
 * Secret); secrets stay in Secrets; every topic the code uses is a KafkaTopic; each service is a
 * KafkaUser with the ACLs its clients need; the database replicates logically; production has
 * disruption budgets, autoscalers and spread pods.
 */
class KubernetesManifestsTest {

    private static final String DEV = "dev";
    private static final String PRODUCTION = "production";
    /** Names of keys and variables that hold secrets. */
    private static final Pattern SECRET_NAME = Pattern.compile("(?i).*(password|secret|jaas|credential|token|private).*");

    private static RenderedManifests dev;
    private static RenderedManifests production;

    @BeforeAll
    static void render() {
        Optional<Path> kubectl = Commands.find("kubectl");
        assumeTrue(kubectl.isPresent(), "kubectl is not installed: skipping the checks of deploy/k8s (they render each overlay with"
                + " 'kubectl kustomize')");
        dev = RenderedManifests.render(kubectl.get(), DEV);
        production = RenderedManifests.render(kubectl.get(), PRODUCTION);
    }

    static Stream<String> overlays() {
        return Stream.of(DEV, PRODUCTION);
    }

    private static RenderedManifests overlay(String name) {
        return name.equals(DEV) ? dev : production;
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyServiceIsADeploymentWithProbesResourcesAndAGracefulStop(String overlay) {
        RenderedManifests manifests = overlay(overlay);
        assertThat(manifests.all("Deployment")).hasSize(RelayService.values().length);
        for (RelayService service : RelayService.values()) {
            Map<String, Object> deployment = manifests.get("Deployment", service.moduleName());
            Map<String, Object> container = RenderedManifests.container(deployment);
            String what = overlay + "/" + service.moduleName();
            assertThat(Tree.listAt(container, "ports")).as("%s: port %d named http", what, service.defaultPort())
                    .anySatisfy(port -> {
                        assertThat(Tree.text(port, "name")).isEqualTo("http");
                        assertThat(Tree.text(port, "containerPort")).isEqualTo(Integer.toString(service.defaultPort()));
                    });
            assertThat(probe(container, "livenessProbe")).as("%s liveness", what).isEqualTo("/q/health/live");
            assertThat(probe(container, "readinessProbe")).as("%s readiness", what).isEqualTo("/q/health/ready");
            assertThat(probe(container, "startupProbe")).as("%s startup", what).isEqualTo("/q/health/started");
            for (String bound : List.of("requests", "limits")) {
                for (String resource : List.of("cpu", "memory")) {
                    assertThat(Tree.text(container, "resources/" + bound + "/" + resource)).as("%s %s %s", what, bound, resource).isNotBlank();
                }
            }
            assertThat(Tree.listAt(container, "lifecycle/preStop/exec/command")).as("%s waits before stopping", what).isNotEmpty();
            String grace = Tree.text(deployment, "spec/template/spec/terminationGracePeriodSeconds");
            assertThat(grace).as("%s terminationGracePeriodSeconds", what).isNotNull();
            assertThat(Integer.parseInt(grace)).as("%s terminationGracePeriodSeconds", what).isGreaterThanOrEqualTo(20);
            assertThat(Tree.text(deployment, "spec/template/spec/enableServiceLinks"))
                    .as("%s: no service link variables (Quarkus would read RELAY_*_PORT as settings)", what).isEqualTo("false");
            Map<String, Object> svc = manifests.get("Service", service.moduleName());
            assertThat(Tree.mapAt(svc, "spec/selector")).as("%s Service selects its pods", what)
                    .containsAllEntriesOf(Tree.mapAt(deployment, "spec/selector/matchLabels"));
        }
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyDeploymentGetsEverySettingItsServiceNeeds(String overlay) {
        RenderedManifests manifests = overlay(overlay);
        for (RelayService service : RelayService.values()) {
            Map<String, Object> deployment = manifests.get("Deployment", service.moduleName());
            Set<String> given = manifests.environmentNames(deployment);
            String what = overlay + "/" + service.moduleName();
            for (DeploymentSettings.Setting setting : DeploymentSettings.of(service)) {
                List<String> names = ServiceSettings.names(setting);
                assertThat(names).as("%s is given one of %s (setting %s)", what, names, setting.keys()).containsAnyElementsOf(given);
                setting.value().ifPresent(value -> assertThat(manifests.literalValue(deployment, names.getFirst()))
                        .as("%s: %s", what, names.getFirst()).isEqualTo(value));
                if (setting.key().endsWith(".file") || setting.key().endsWith(".dir")) {
                    assertMounted(manifests, deployment, what, names.getFirst());
                }
            }
            for (String key : DeploymentSettings.credentials(service)) {
                assertThat(given).as("%s is given %s (%s)", what, ServiceSettings.envName(key), key).contains(ServiceSettings.envName(key));
            }
        }
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyVariableADeploymentGivesIsOneItsServiceReads(String overlay) {
        RenderedManifests manifests = overlay(overlay);
        for (RelayService service : RelayService.values()) {
            assertThat(manifests.environmentNames(manifests.get("Deployment", service.moduleName())))
                    .as("variables of %s/%s that it never reads (a typo?); what it reads: its application.properties, DeploymentSettings,"
                            + " KafkaClientSecurity", overlay, service.moduleName())
                    .isSubsetOf(ServiceSettings.readNames(service));
        }
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void secretsStayInSecrets(String overlay) {
        RenderedManifests manifests = overlay(overlay);
        for (Map<String, Object> configMap : manifests.all("ConfigMap")) {
            String name = Tree.text(configMap, "metadata/name");
            manifests.data("ConfigMap", name).forEach((key, value) -> {
                assertThat(key).as("%s: ConfigMap %s holds a secret-looking key", overlay, name).doesNotMatch(SECRET_NAME);
                assertThat(value).as("%s: ConfigMap %s, %s holds a credential", overlay, name, key)
                        .doesNotContainIgnoringCase("password=").doesNotContain("BEGIN PRIVATE KEY");
            });
        }
        for (Map<String, Object> deployment : manifests.all("Deployment")) {
            for (Object entry : Tree.listAt(RenderedManifests.container(deployment), "env")) {
                String name = Tree.text(entry, "name");
                if (SECRET_NAME.matcher(name).matches() || name.endsWith("_USERNAME") || name.equals("KAFKA_SSL_TRUSTSTORE_CERTIFICATES")) {
                    assertThat(Tree.mapAt(entry, "valueFrom/secretKeyRef")).as("%s/%s: %s comes from a Secret", overlay,
                            Tree.text(deployment, "metadata/name"), name).isNotEmpty();
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void servicesReachKafkaAsTheirOwnKafkaUserOverTheClustersListener(String overlay) {
        RenderedManifests manifests = overlay(overlay);
        Map<String, Object> kafka = single(manifests, "Kafka");
        String cluster = Tree.text(kafka, "metadata/name");
        Map<String, Object> listener = Tree.map(Tree.listAt(kafka, "spec/kafka/listeners").getFirst());
        boolean tls = Boolean.parseBoolean(Tree.text(listener, "tls"));
        String authentication = Tree.text(listener, "authentication/type");
        assertThat(authentication).as("%s: Kafka listener authentication", overlay).isEqualTo("scram-sha-512");
        assertThat(Tree.text(kafka, "spec/kafka/authorization/type")).as("%s: ACLs enforced", overlay).isEqualTo("simple");
        assertThat(Tree.mapAt(kafka, "metadata/annotations")).containsEntry("strimzi.io/kraft", "enabled")
                .containsEntry("strimzi.io/node-pools", "enabled");
        assertThat(manifests.all("KafkaNodePool")).as("%s: node pools", overlay).isNotEmpty()
                .allSatisfy(pool -> assertThat(Tree.mapAt(pool, "metadata/labels")).containsEntry("strimzi.io/cluster", cluster));

        for (RelayService service : RelayService.values()) {
            String what = overlay + "/" + service.moduleName();
            Map<String, Object> deployment = manifests.get("Deployment", service.moduleName());
            Map<String, Object> user = manifests.get("KafkaUser", service.moduleName());
            assertThat(Tree.mapAt(user, "metadata/labels")).containsEntry("strimzi.io/cluster", cluster);
            assertThat(Tree.text(user, "spec/authentication/type")).as("%s KafkaUser authentication", what).isEqualTo(authentication);
            assertThat(manifests.literalValue(deployment, "KAFKA_BOOTSTRAP_SERVERS")).as("%s bootstrap", what)
                    .isEqualTo(cluster + "-kafka-bootstrap:" + Tree.text(listener, "port"));
            assertThat(manifests.literalValue(deployment, "KAFKA_SECURITY_PROTOCOL")).as("%s security protocol", what)
                    .isEqualTo(tls ? "SASL_SSL" : "SASL_PLAINTEXT");
            assertThat(manifests.literalValue(deployment, "KAFKA_SASL_MECHANISM")).as("%s SASL mechanism", what).isEqualTo("SCRAM-SHA-512");
            assertThat(RenderedManifests.secretKeyRef(deployment, "KAFKA_SASL_JAAS_CONFIG")).as("%s logs in as its own KafkaUser", what)
                    .hasValueSatisfying(ref -> assertThat(ref).containsEntry("name", service.moduleName()).containsEntry("key", "sasl.jaas.config"));
            if (tls) {
                assertThat(manifests.literalValue(deployment, "KAFKA_SSL_TRUSTSTORE_TYPE")).as("%s truststore type", what).isEqualTo("PEM");
                assertThat(RenderedManifests.secretKeyRef(deployment, "KAFKA_SSL_TRUSTSTORE_CERTIFICATES")).as("%s trusts the cluster CA", what)
                        .hasValueSatisfying(ref -> assertThat(ref).containsEntry("name", cluster + "-cluster-ca-cert").containsEntry("key", "ca.crt"));
            }
        }
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void eachKafkaUserMayUseOnlyTheTopicsGroupsAndTransactionsOfItsService(String overlay) throws IllegalAccessException {
        RenderedManifests manifests = overlay(overlay);
        List<String> topics = ComposeFileTest.topics();
        String applierGroup = ServiceSettings.applicationProperties(RelayService.WRITE_APPLIER).getProperty("relay.uploads.group-id");
        String trackerApplication = ServiceSettings.applicationProperties(RelayService.CHECKPOINT_TRACKER)
                .getProperty("quarkus.kafka-streams.application-id");
        for (RelayService service : RelayService.values()) {
            List<Object> acls = Tree.listAt(manifests.get("KafkaUser", service.moduleName()), "spec/authorization/acls");
            assertThat(acls).as("%s/%s ACLs", overlay, service.moduleName()).isNotEmpty();
            for (Object acl : acls) {
                String type = Tree.text(acl, "resource/type");
                String name = Tree.text(acl, "resource/name");
                boolean prefix = "prefix".equals(Tree.text(acl, "resource/patternType"));
                String what = overlay + "/" + service.moduleName() + " ACL on " + type + " " + name;
                assertThat(Tree.listAt(acl, "operations")).as(what).isNotEmpty().doesNotContain("All");
                switch (type) {
                    case "topic" -> assertThat(prefix ? name.equals(trackerApplication + "-") && service == RelayService.CHECKPOINT_TRACKER
                            : topics.contains(name)).as("%s: a topic of Topics, or the tracker's internal topics", what).isTrue();
                    case "group" -> assertThat(name).as(what)
                            .isEqualTo(service == RelayService.WRITE_APPLIER ? applierGroup
                                    : service == RelayService.CHECKPOINT_TRACKER ? trackerApplication : "(no group)");
                    case "transactionalId" -> assertThat(service == RelayService.CHECKPOINT_TRACKER && prefix
                            && name.equals(trackerApplication + "-")).as("%s: exactly_once_v2's transactional ids", what).isTrue();
                    default -> throw new AssertionError(what + ": unexpected resource type");
                }
            }
        }
        assertThat(acl(manifests, RelayService.WRITE_APPLIER, "group", applierGroup)).as("write-applier's consumer group").contains("Read");
        assertThat(acl(manifests, RelayService.CHECKPOINT_TRACKER, "group", trackerApplication)).contains("Read");
        assertThat(acl(manifests, RelayService.CHECKPOINT_TRACKER, "transactionalId", trackerApplication + "-")).contains("Write", "Describe");
        assertThat(acl(manifests, RelayService.CHECKPOINT_TRACKER, "topic", trackerApplication + "-")).contains("Create", "Read", "Write");
        assertThat(acl(manifests, RelayService.UPLOAD_API, "topic", Topics.UPLOADS)).contains("Write");
        assertThat(acl(manifests, RelayService.SYNC_BRIDGE, "topic", Topics.UPLOADS)).contains("Write");
        assertThat(acl(manifests, RelayService.WRITE_APPLIER, "topic", Topics.UPLOADS)).contains("Read");
        assertThat(acl(manifests, RelayService.WRITE_APPLIER, "topic", Topics.DEAD_LETTERS)).contains("Write");
        assertThat(acl(manifests, RelayService.CHECKPOINT_TRACKER, "topic", Topics.CHECKPOINT_EVENTS)).contains("Read");
        assertThat(acl(manifests, RelayService.CHECKPOINT_TRACKER, "topic", Topics.CHECKPOINT_ALERTS)).contains("Write");
        assertThat(acl(manifests, RelayService.CHECKPOINT_TRACKER, "topic", Topics.TRACKER_CLIENTS)).contains("Read", "Write");
        for (RelayService emitter : List.of(RelayService.UPLOAD_API, RelayService.WRITE_APPLIER, RelayService.SYNC_BRIDGE)) {
            assertThat(acl(manifests, emitter, "topic", Topics.CHECKPOINT_EVENTS)).as("%s emits lifecycle events", emitter.moduleName())
                    .contains("Write");
        }
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyTopicTheCodeUsesIsAKafkaTopic(String overlay) throws IllegalAccessException {
        RenderedManifests manifests = overlay(overlay);
        boolean replicated = overlay.equals(PRODUCTION);
        for (String topic : ComposeFileTest.topics()) {
            Map<String, Object> kafkaTopic = manifests.all("KafkaTopic").stream()
                    .filter(t -> topic.equals(Optional.ofNullable(Tree.text(t, "spec/topicName")).orElse(Tree.text(t, "metadata/name"))))
                    .findFirst().orElseThrow(() -> new AssertionError(overlay + ": no KafkaTopic for " + topic));
            String what = overlay + ": KafkaTopic " + topic;
            assertThat(Tree.mapAt(kafkaTopic, "metadata/labels")).as(what).containsKey("strimzi.io/cluster");
            assertThat(Integer.parseInt(Tree.text(kafkaTopic, "spec/partitions"))).as("%s partitions", what).isPositive();
            if (replicated) {
                assertThat(Tree.text(kafkaTopic, "spec/replicas")).as("%s replicas", what).isEqualTo("3");
                assertThat(Tree.text(kafkaTopic, "spec/config/min.insync.replicas")).as("%s min.insync.replicas", what).isEqualTo("2");
            }
            if (topic.equals(Topics.TRACKER_CLIENTS)) {
                assertThat(Tree.text(kafkaTopic, "spec/config/cleanup.policy")).as("%s is compacted", what).isEqualTo("compact");
            } else {
                assertThat(Tree.text(kafkaTopic, "spec/config/retention.ms")).as("%s retention", what).isNotBlank();
            }
        }
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void theDatabaseReplicatesLogicallyToTheBridgesOwnRole(String overlay) {
        RenderedManifests manifests = overlay(overlay);
        Map<String, Object> cluster = single(manifests, "Cluster");
        String name = Tree.text(cluster, "metadata/name");
        assertThat(Tree.text(cluster, "spec/postgresql/parameters/wal_level")).as("%s wal_level", overlay).isEqualTo("logical");
        assertThat(Tree.text(cluster, "spec/replicationSlots/highAvailability/synchronizeLogicalDecoding"))
                .as("%s: standbys keep the bridge's failover slot", overlay).isEqualTo("true");
        assertThat(Tree.text(cluster, "spec/imageName")).as("%s: failover slots need PostgreSQL 17", overlay).containsPattern(":1[7-9]");

        Map<String, Object> bridge = manifests.get("Deployment", RelayService.SYNC_BRIDGE.moduleName());
        String bridgeSecret = RenderedManifests.secretKeyRef(bridge, "QUARKUS_DATASOURCE_USERNAME").map(ref -> String.valueOf(ref.get("name")))
                .orElseThrow(() -> new AssertionError(overlay + ": sync-bridge's database user does not come from a Secret"));
        assertThat(RenderedManifests.secretKeyRef(bridge, "QUARKUS_DATASOURCE_PASSWORD")).hasValueSatisfying(ref ->
                assertThat(ref).containsEntry("name", bridgeSecret));
        Map<String, Object> role = Tree.listAt(cluster, "spec/managed/roles").stream().map(Tree::map)
                .filter(r -> bridgeSecret.equals(Tree.text(r, "passwordSecret/name"))).findFirst()
                .orElseThrow(() -> new AssertionError(overlay + ": no managed role has the password of " + bridgeSecret));
        assertThat(Tree.text(role, "replication")).as("%s: sync-bridge's role may replicate", overlay).isEqualTo("true");
        assertThat(Tree.text(role, "login")).isEqualTo("true");
        manifests.find("Secret", bridgeSecret).ifPresent(secret -> {
            assertThat(Tree.text(secret, "type")).isEqualTo("kubernetes.io/basic-auth");
            assertThat(manifests.data("Secret", bridgeSecret)).containsKeys("username", "password");
        });

        for (RelayService service : RelayService.values()) {
            Map<String, Object> deployment = manifests.get("Deployment", service.moduleName());
            if (!DeploymentSettings.credentials(service).isEmpty()) {
                // A login is one Secret: the user and the password of one role (the owner's, app, or a managed role's).
                Optional<String> user = RenderedManifests.secretKeyRef(deployment, "QUARKUS_DATASOURCE_USERNAME").map(ref -> String.valueOf(ref.get("name")));
                Optional<String> password = RenderedManifests.secretKeyRef(deployment, "QUARKUS_DATASOURCE_PASSWORD").map(ref -> String.valueOf(ref.get("name")));
                assertThat(user).as("%s/%s database user from a Secret", overlay, service.moduleName()).isPresent();
                assertThat(password).as("%s/%s database password from the user's Secret", overlay, service.moduleName()).isEqualTo(user);
                Set<String> logins = new LinkedHashSet<>(List.of(name + "-app"));
                Tree.listAt(cluster, "spec/managed/roles").forEach(r -> logins.add(Tree.text(r, "passwordSecret/name")));
                assertThat(user.get()).as("%s/%s logs in as a role of %s", overlay, service.moduleName(), name).isIn(logins);
            }
            for (String key : List.of(DeploymentSettings.REACTIVE_URL, DeploymentSettings.JDBC_URL)) {
                String url = manifests.literalValue(deployment, ServiceSettings.envName(key));
                if (url != null) {
                    assertThat(url).as("%s/%s %s: the primary", overlay, service.moduleName(), key).contains("//" + name + "-rw:5432/");
                }
            }
        }

        StringBuilder bootstrap = new StringBuilder();
        for (Object ref : Tree.listAt(cluster, "spec/bootstrap/initdb/postInitApplicationSQLRefs/configMapRefs")) {
            String configMap = Tree.text(ref, "name");
            String key = Tree.text(ref, "key");
            assertThat(manifests.data("ConfigMap", configMap)).as("%s: bootstrap SQL %s/%s", overlay, configMap, key).containsKey(key);
            bootstrap.append(manifests.data("ConfigMap", configMap).get(key)).append('\n');
        }
        Properties bridgeProperties = ServiceSettings.applicationProperties(RelayService.SYNC_BRIDGE);
        String publication = bridgeProperties.getProperty("relay.replication.publication");
        Matcher created = Pattern.compile("(?i)CREATE PUBLICATION\\s+\"?" + Pattern.quote(publication) + "\"?\\s+FOR TABLE\\s+([^;]+);")
                .matcher(bootstrap);
        assertThat(created.find()).as("%s: the bootstrap SQL creates publication %s", overlay, publication).isTrue();
        Set<String> published = new LinkedHashSet<>();
        for (String table : created.group(1).split(",")) {
            published.add(table.strip().replace("\"", "").replaceFirst("^public\\.", ""));
        }
        String rules = appFile(manifests, "sync-rules.yaml");
        Set<String> replicated = new LinkedHashSet<>();
        Matcher from = Pattern.compile("(?i)\\bFROM\\s+\"?([A-Za-z_][A-Za-z0-9_.]*)\"?").matcher(rules);
        while (from.find()) {
            replicated.add(from.group(1).replaceFirst("^public\\.", ""));
        }
        replicated.add(bridgeProperties.getProperty("relay.checkpoints.table"));
        assertThat(published).as("%s: publication %s holds every table the sync rules read and the checkpoints table"
                + " (sync-bridge's role cannot add tables to it)", overlay, publication).containsAll(replicated);
        assertThat(bootstrap.toString()).as("%s: the bridge's storage schema belongs to its role", overlay)
                .containsPattern("(?i)CREATE SCHEMA( IF NOT EXISTS)? " + bridgeProperties.getProperty("relay.storage.schema")
                        + " AUTHORIZATION " + Tree.text(role, "name"));
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void prometheusScrapesEveryService(String overlay) {
        RenderedManifests manifests = overlay(overlay);
        Map<String, Object> monitor = single(manifests, "PodMonitor");
        Map<String, Object> matchLabels = Tree.mapAt(monitor, "spec/selector/matchLabels");
        assertThat(Tree.listAt(monitor, "spec/podMetricsEndpoints")).anySatisfy(endpoint -> {
            assertThat(Tree.text(endpoint, "path")).isEqualTo("/q/metrics");
            assertThat(Tree.text(endpoint, "port")).isEqualTo("http");
        });
        for (RelayService service : RelayService.values()) {
            Map<String, Object> podLabels = Tree.mapAt(manifests.get("Deployment", service.moduleName()), "spec/template/metadata/labels");
            assertThat(podLabels).as("%s/%s pods match the PodMonitor", overlay, service.moduleName()).containsAllEntriesOf(matchLabels);
            for (Object expression : Tree.listAt(monitor, "spec/selector/matchExpressions")) {
                assertThat(Tree.listAt(expression, "values")).as("%s/%s pods match the PodMonitor", overlay, service.moduleName())
                        .contains(podLabels.get(Tree.text(expression, "key")));
            }
        }
    }

    @Test
    void productionRunsSeveralPodsOfEachServiceSpreadAndProtected() {
        for (RelayService service : RelayService.values()) {
            Map<String, Object> deployment = production.get("Deployment", service.moduleName());
            Map<String, Object> podLabels = Tree.mapAt(deployment, "spec/template/metadata/labels");
            assertThat(Integer.parseInt(Tree.text(deployment, "spec/replicas"))).as("%s replicas", service.moduleName()).isGreaterThanOrEqualTo(2);
            assertThat(Tree.mapAt(deployment, "spec/template/spec/affinity/podAntiAffinity")).as("%s pods spread", service.moduleName())
                    .isNotEmpty();
            assertThat(production.all("PodDisruptionBudget")).as("a PodDisruptionBudget for %s", service.moduleName()).anySatisfy(pdb ->
                    assertThat(podLabels).containsAllEntriesOf(Tree.mapAt(pdb, "spec/selector/matchLabels")));
        }
        for (RelayService scaled : List.of(RelayService.UPLOAD_API, RelayService.SYNC_BRIDGE)) {
            Map<String, Object> autoscaler = production.all("HorizontalPodAutoscaler").stream()
                    .filter(hpa -> scaled.moduleName().equals(Tree.text(hpa, "spec/scaleTargetRef/name"))
                            && "Deployment".equals(Tree.text(hpa, "spec/scaleTargetRef/kind")))
                    .findFirst().orElseThrow(() -> new AssertionError("production: no HorizontalPodAutoscaler for " + scaled.moduleName()));
            int min = Integer.parseInt(Tree.text(autoscaler, "spec/minReplicas"));
            assertThat(min).as("%s autoscaler minimum", scaled.moduleName()).isGreaterThanOrEqualTo(2)
                    .isEqualTo(Integer.parseInt(Tree.text(production.get("Deployment", scaled.moduleName()), "spec/replicas")));
            assertThat(Integer.parseInt(Tree.text(autoscaler, "spec/maxReplicas"))).isGreaterThan(min);
        }
        int applierConsumers = Integer.parseInt(ServiceSettings.applicationProperties(RelayService.WRITE_APPLIER)
                .getProperty("mp.messaging.incoming.uploads.concurrency"));
        Map<String, Object> uploads = production.all("KafkaTopic").stream().filter(t -> Topics.UPLOADS.equals(Tree.text(t, "spec/topicName")))
                .findFirst().orElseThrow();
        assertThat(applierConsumers * Integer.parseInt(Tree.text(production.get("Deployment", RelayService.WRITE_APPLIER.moduleName()),
                "spec/replicas"))).as("write-applier consumers (replicas x concurrency) have a partition each")
                .isLessThanOrEqualTo(Integer.parseInt(Tree.text(uploads, "spec/partitions")));
        assertThat(Tree.text(single(production, "Cluster"), "spec/instances")).isEqualTo("3");
        assertThat(production.all("KafkaNodePool").stream().mapToInt(pool -> Integer.parseInt(Tree.text(pool, "spec/replicas"))).sum())
                .as("Kafka nodes").isGreaterThanOrEqualTo(3);
    }

    @Test
    void devGeneratesItsSecretsAndProductionLeavesThemToTheOperator() {
        Set<String> referenced = new LinkedHashSet<>();
        for (Map<String, Object> deployment : production.all("Deployment")) {
            Tree.listAt(RenderedManifests.container(deployment), "env").forEach(entry -> {
                String secret = Tree.text(entry, "valueFrom/secretKeyRef/name");
                if (secret != null) {
                    referenced.add(secret);
                }
            });
        }
        assertThat(production.all("Secret")).as("production renders no Secret (operators create them)").isEmpty();
        assertThat(referenced).contains("relay-jwt", "relay-db-bridge");
        List<String> devSecrets = new ArrayList<>(dev.all("Secret").stream().map(s -> Tree.text(s, "metadata/name")).toList());
        assertThat(devSecrets).anyMatch(name -> name.startsWith("relay-jwt")).contains("relay-db-bridge");
    }

    private static String probe(Map<String, Object> container, String probe) {
        assertThat(Tree.text(container, probe + "/httpGet/port")).as(probe + " port").isEqualTo("http");
        return Tree.text(container, probe + "/httpGet/path");
    }

    /** A file or directory setting's value lies on a volume; a file on a ConfigMap volume is one of its keys. */
    private static void assertMounted(RenderedManifests manifests, Map<String, Object> deployment, String what, String variable) {
        String path = manifests.literalValue(deployment, variable);
        assertThat(path).as("%s: %s is a literal path", what, variable).startsWith("/");
        Map<String, Object> mount = Tree.listAt(RenderedManifests.container(deployment), "volumeMounts").stream().map(Tree::map)
                .filter(m -> path.equals(Tree.text(m, "mountPath")) || path.startsWith(Tree.text(m, "mountPath") + "/")).findFirst()
                .orElseThrow(() -> new AssertionError(what + ": " + variable + "=" + path + " is on no volume"));
        Map<String, Object> volume = Tree.listAt(deployment, "spec/template/spec/volumes").stream().map(Tree::map)
                .filter(v -> Tree.text(mount, "name").equals(Tree.text(v, "name"))).findFirst()
                .orElseThrow(() -> new AssertionError(what + ": no volume " + Tree.text(mount, "name")));
        String configMap = Tree.text(volume, "configMap/name");
        if (configMap != null) {
            String file = path.substring(Tree.text(mount, "mountPath").length() + 1);
            assertThat(manifests.data("ConfigMap", configMap)).as("%s: %s=%s is a file of ConfigMap %s", what, variable, path, configMap)
                    .containsKey(file);
        }
    }

    /** The content of an application file the Deployments mount (sync rules, app schema). */
    private static String appFile(RenderedManifests manifests, String file) {
        Map<String, Object> bridge = manifests.get("Deployment", RelayService.SYNC_BRIDGE.moduleName());
        String path = manifests.literalValue(bridge, ServiceSettings.envName(DeploymentSettings.SYNC_RULES_FILE));
        assertThat(path).endsWith("/" + file);
        for (Object volume : Tree.listAt(bridge, "spec/template/spec/volumes")) {
            String configMap = Tree.text(volume, "configMap/name");
            if (configMap != null && manifests.data("ConfigMap", configMap).containsKey(file)) {
                return manifests.data("ConfigMap", configMap).get(file);
            }
        }
        throw new AssertionError(manifests.overlay() + ": sync-bridge mounts no " + file);
    }

    private static List<Object> acl(RenderedManifests manifests, RelayService service, String type, String name) {
        return Tree.listAt(manifests.get("KafkaUser", service.moduleName()), "spec/authorization/acls").stream()
                .filter(acl -> type.equals(Tree.text(acl, "resource/type")) && name.equals(Tree.text(acl, "resource/name")))
                .flatMap(acl -> Tree.listAt(acl, "operations").stream()).toList();
    }

    private static Map<String, Object> single(RenderedManifests manifests, String kind) {
        List<Map<String, Object>> all = manifests.all(kind);
        assertThat(all).as("%s: one %s", manifests.overlay(), kind).hasSize(1);
        return all.getFirst();
    }
}
