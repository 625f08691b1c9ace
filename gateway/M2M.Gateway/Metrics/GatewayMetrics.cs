using System.Diagnostics.Metrics;

namespace M2M.Gateway.Metrics;

/// <summary>
/// Every counter and gauge of the ingress, journal and relay, on one <see cref="Meter"/>
/// ("M2M.Gateway"). Reasons are the stable labels of docs/protocol.md section 9 (docs/ingress.md
/// maps each to its metric). Exported in Prometheus text format at /metrics.
/// </summary>
public sealed class GatewayMetrics
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "M2M.Gateway";

    private readonly Counter<long> _connects;
    private readonly Counter<long> _disconnects;
    private readonly Counter<long> _tokenValidations;
    private readonly Counter<long> _messages;
    private readonly Counter<long> _subscriptions;
    private readonly Counter<long> _delivered;
    private readonly Counter<long> _deliveryFailures;
    private readonly Counter<long> _deadLetters;
    private readonly Counter<long> _journalDropped;

    public GatewayMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _connects = meter.CreateCounter<long>("m2m_mqtt_connects", description: "MQTT CONNECTs by result (ok or the refusal reason).");
        _disconnects = meter.CreateCounter<long>("m2m_mqtt_gateway_disconnects", description: "Sessions the gateway ended, by reason.");
        _tokenValidations = meter.CreateCounter<long>("m2m_token_validations", description: "Access-token and client-assertion validations by kind and result.");
        _messages = meter.CreateCounter<long>("m2m_mqtt_messages", description: "PUBLISH outcomes by reason (accepted, duplicate, renewed, or a refusal).");
        _subscriptions = meter.CreateCounter<long>("m2m_mqtt_subscriptions", description: "SUBSCRIBE outcomes by reason.");
        _delivered = meter.CreateCounter<long>("m2m_relay_delivered", description: "Records delivered, by sink.");
        _deliveryFailures = meter.CreateCounter<long>("m2m_relay_delivery_failures", description: "Failed delivery attempts, by sink.");
        _deadLetters = meter.CreateCounter<long>("m2m_relay_dead_letters", description: "Records a sink gave up on, by sink.");
        _journalDropped = meter.CreateCounter<long>("m2m_journal_dropped", description: "Undelivered records deleted because the journal hit Gateway:Journal:MaxRecords.");
        Meter = meter;
    }

    /// <summary>The meter, for observable gauges registered by their owners.</summary>
    public Meter Meter { get; }

    public void Connect(string result) => _connects.Add(1, new KeyValuePair<string, object?>("result", result));

    public void GatewayDisconnect(string reason) => _disconnects.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void TokenValidation(string kind, string result) =>
        _tokenValidations.Add(1, new KeyValuePair<string, object?>("kind", kind), new KeyValuePair<string, object?>("result", result));

    public void Message(string reason) => _messages.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void Subscription(string reason) => _subscriptions.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void Delivered(string sink) => _delivered.Add(1, new KeyValuePair<string, object?>("sink", sink));

    public void DeliveryFailed(string sink) => _deliveryFailures.Add(1, new KeyValuePair<string, object?>("sink", sink));

    public void DeadLettered(string sink) => _deadLetters.Add(1, new KeyValuePair<string, object?>("sink", sink));

    public void JournalDropped(long count) => _journalDropped.Add(count);

}
