using System.Collections.Concurrent;
using Prometheus;

namespace M2M.Gateway.Metrics;

/// <summary>
/// Every counter and gauge of the ingress, journal and relay, in one prometheus-net registry per
/// gateway, exported at /metrics. Reasons are the stable labels of docs/protocol.md section 9
/// (docs/ingress.md maps each to its metric).
/// </summary>
public sealed class GatewayMetrics
{
    private readonly Counter _connects;
    private readonly Counter _disconnects;
    private readonly Counter _tokenValidations;
    private readonly Counter _tokenRequests;
    private readonly Counter _tokenRevocations;
    private readonly Counter _tokenIntrospections;
    private readonly Counter _messages;
    private readonly Counter _subscriptions;
    private readonly Counter _commands;
    private readonly Counter _rotations;
    private readonly Counter _delivered;
    private readonly Counter _deliveryFailures;
    private readonly Counter _retried;
    private readonly Counter _deadLetters;
    private readonly Counter _redelivered;
    private readonly Counter _sinkFailures;
    private readonly Counter _skipped;
    private readonly Counter _authFailures;
    private readonly Counter _journalPruned;
    private readonly Counter _journalConflicts;
    private readonly Counter _connectionsDropped;
    private readonly Counter _policyDecisions;
    private readonly Counter _accessDecisions;
    private readonly Histogram _publishSeconds;
    private readonly Histogram _commitSeconds;
    private readonly Histogram _commitRecords;
    private readonly ConcurrentDictionary<string, Counter.Child> _messageChildren = new(StringComparer.Ordinal);
    private readonly MetricFactory _factory;

    public GatewayMetrics()
    {
        Registry = Prometheus.Metrics.NewCustomRegistry();
        _factory = Prometheus.Metrics.WithCustomRegistry(Registry);
        _connects = _factory.CreateCounter("m2m_mqtt_connects_total", "MQTT CONNECTs by result (ok or the refusal reason).", ["result"]);
        _disconnects = _factory.CreateCounter("m2m_mqtt_gateway_disconnects_total", "Sessions the gateway ended, by reason.", ["reason"]);
        _tokenValidations = _factory.CreateCounter("m2m_token_validations_total", "Access-token and client-assertion validations by kind and result.", ["kind", "result"]);
        _tokenRequests = _factory.CreateCounter("m2m_token_requests_total", "Token endpoint requests by result (ok or the refusal reason, docs/tokens.md).", ["result"]);
        _tokenRevocations = _factory.CreateCounter("m2m_token_revocations_total", "Revocation requests (RFC 7009) by result (revoked, already_revoked, not_revocable or the refusal reason).", ["result"]);
        _tokenIntrospections = _factory.CreateCounter("m2m_token_introspections_total", "Introspection requests (RFC 7662) by result (active, inactive or the refusal reason).", ["result"]);
        _messages = _factory.CreateCounter("m2m_mqtt_messages_total", "PUBLISH outcomes by reason (accepted, duplicate, renewed, or a refusal).", ["reason"]);
        _subscriptions = _factory.CreateCounter("m2m_mqtt_subscriptions_total", "SUBSCRIBE outcomes by reason.", ["reason"]);
        _rotations = _factory.CreateCounter("m2m_secret_rotations_total", "Over-the-air secret rotations by step and outcome: started, proved, completed, failed, rolled_back (docs/admin-api.md).", ["outcome"]);
        _commands = _factory.CreateCounter("m2m_commands_total", "Cloud-to-device commands: queued, delivered, and results by outcome (docs/admin-api.md).", ["event"]);
        _delivered = _factory.CreateCounter("m2m_relay_delivered_total", "Records delivered, by sink.", ["sink"]);
        _deliveryFailures = _factory.CreateCounter("m2m_relay_delivery_failures_total", "Failed delivery attempts, by sink and reason (http 503, nats timeout...).", ["sink", "reason"]);
        _retried = _factory.CreateCounter("m2m_relay_retries_total", "Delivery attempts repeated after a failed one (each after a backoff with jitter), by sink.", ["sink"]);
        _deadLetters = _factory.CreateCounter("m2m_relay_dead_letters_total", "Records a sink gave up on, by sink.", ["sink"]);
        _redelivered = _factory.CreateCounter("m2m_relay_redelivered_total", "Dead letters an operator had redelivered and a sink delivered, by sink.", ["sink"]);
        _sinkFailures = _factory.CreateCounter("m2m_relay_sink_failures_total", "Failures of a sink itself (unreachable, refused credentials, misconfigured, I/O, the journal, a bug), each followed by a recovery with backoff, by sink and reason.", ["sink", "reason"]);
        _journalConflicts = _factory.CreateCounter("m2m_journal_cluster_conflicts_total", "Cluster mode: journal writes JetStream refused because another node had appended for the device (wrong_last_sequence) or had taken the slot after the same record (slot_taken); each is followed by a catch-up and a new judgement.", ["reason"]);
        _skipped = _factory.CreateCounter("m2m_relay_skipped_total", "Records a sink passed over for good without retrying, by sink and reason: the backend refused them (out_of_order, duplicate, too_old, refused_4xx) or they map to nothing it stores (no_samples).", ["sink", "reason"]);
        _authFailures = _factory.CreateCounter("m2m_relay_auth_failures_total", "Failed authentications of an HTTP sink, by sink and reason (credential_missing, token_endpoint_unreachable, an OAuth error code, refused_401, refused_403).", ["sink", "reason"]);
        _journalPruned = _factory.CreateCounter("m2m_journal_pruned_total", "Records retention deleted after every enabled sink had delivered them.");
        _policyDecisions = _factory.CreateCounter("m2m_policy_decisions_total", "Expression policy evaluations by policy name and decision (allow, deny, error; docs/policies.md).", ["policy", "decision"]);
        _connectionsDropped = _factory.CreateCounter("m2m_mqtt_connections_dropped_total", "MQTT connections closed before a CONNECT was answered, by reason.", ["reason"]);
        _accessDecisions = _factory.CreateCounter("m2m_access_decisions_total", "Decisions of the admin and consumer APIs' access policy, by action and result (ok or the refusal reason).", ["action", "result"]);
        _publishSeconds = _factory.CreateHistogram("m2m_mqtt_publish_seconds", "From a PUBLISH read off the socket to its PUBACK queued for sending (verification, journal commit, and the wait for earlier PUBLISHes of the connection).",
            new HistogramConfiguration { Buckets = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5] });
        _commitSeconds = _factory.CreateHistogram("m2m_journal_commit_seconds", "Duration of one journal transaction (inserts, replay windows, commit with fsync).",
            new HistogramConfiguration { Buckets = [0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 1] });
        _commitRecords = _factory.CreateHistogram("m2m_journal_commit_records", "Records appended by one journal transaction (group commit).",
            new HistogramConfiguration { Buckets = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512] });
    }

    /// <summary>The registry /metrics exports.</summary>
    public CollectorRegistry Registry { get; }

    /// <summary>A gauge whose value is read from <paramref name="read"/> at every scrape.</summary>
    public void Observe(string name, string help, Func<double> read)
    {
        var gauge = _factory.CreateGauge(name, help);
        Registry.AddBeforeCollectCallback(() => gauge.Set(read()));
    }

    /// <summary>A gauge with one label whose values are read at every scrape.</summary>
    public void Observe(string name, string help, string label, Func<IEnumerable<KeyValuePair<string, double>>> read)
    {
        var gauge = _factory.CreateGauge(name, help, [label]);
        Registry.AddBeforeCollectCallback(() =>
        {
            foreach (var (key, value) in read())
            {
                gauge.WithLabels(key).Set(value);
            }
        });
    }

    public void AccessDecision(string action, string result) => _accessDecisions.WithLabels(action, result).Inc();

    public void Connect(string result) => _connects.WithLabels(result).Inc();

    public void GatewayDisconnect(string reason) => _disconnects.WithLabels(reason).Inc();

    public void TokenValidation(string kind, string result) => _tokenValidations.WithLabels(kind, result).Inc();

    public void TokenRequest(string result) => _tokenRequests.WithLabels(result).Inc();

    /// <summary>Counts one evaluation of an expression policy (docs/policies.md).</summary>
    public void PolicyDecision(string policy, string decision) => _policyDecisions.WithLabels(policy, decision).Inc();

    public void TokenRevocation(string result) => _tokenRevocations.WithLabels(result).Inc();

    public void TokenIntrospection(string result) => _tokenIntrospections.WithLabels(result).Inc();

    /// <summary>Counts a PUBLISH outcome; the labelled child is looked up once per reason (this runs for every message).</summary>
    public void Message(string reason) => _messageChildren.GetOrAdd(reason, static (r, c) => c.WithLabels(r), _messages).Inc();

    /// <summary>How long a PUBLISH took from the socket to its PUBACK.</summary>
    public void PublishAcknowledged(TimeSpan elapsed) => _publishSeconds.Observe(elapsed.TotalSeconds);

    /// <summary>One journal transaction: how long it took and how many records it appended.</summary>
    public void JournalCommitted(TimeSpan elapsed, int records)
    {
        _commitSeconds.Observe(elapsed.TotalSeconds);
        _commitRecords.Observe(records);
    }

    public void Subscription(string reason) => _subscriptions.WithLabels(reason).Inc();

    public void Command(string outcome) => _commands.WithLabels(outcome).Inc();

    /// <summary>A step of an over-the-air rotation: started, proved, completed, failed, rolled_back (docs/protocol.md section 12.6).</summary>
    public void Rotation(string outcome) => _rotations.WithLabels(outcome).Inc();

    public void Delivered(string sink, int count) => _delivered.WithLabels(sink).Inc(count);

    public void DeliveryFailed(string sink, string reason) => _deliveryFailures.WithLabels(sink, reason).Inc();

    public void Retried(string sink) => _retried.WithLabels(sink).Inc();

    public void DeadLettered(string sink) => _deadLetters.WithLabels(sink).Inc();

    public void Redelivered(string sink, int count) => _redelivered.WithLabels(sink).Inc(count);

    public void SinkFailed(string sink, string reason) => _sinkFailures.WithLabels(sink, reason).Inc();

    public void Skipped(string sink, string reason) => _skipped.WithLabels(sink, reason).Inc();

    public void AuthenticationFailed(string sink, string reason) => _authFailures.WithLabels(sink, reason).Inc();

    public void JournalPruned(long count) => _journalPruned.Inc(count);

    /// <summary>Cluster mode: a journal write refused as a compare-and-set conflict (docs/ingress.md, "Cluster mode").</summary>
    public void JournalConflict(string reason) => _journalConflicts.WithLabels(reason).Inc();

    public void ConnectionDropped(string reason) => _connectionsDropped.WithLabels(reason).Inc();
}
