using M2M.Gateway.Activity;
using M2M.Gateway.Ingress.Authorization;
using M2M.Gateway.Ingress.Pipeline;
using M2M.Gateway.Ingress.Seams;
using M2M.Gateway.Ingress.Sessions;
using M2M.Gateway.Metrics;
using Microsoft.Extensions.Options;

namespace M2M.Gateway.Ingress.Broker;

/// <summary>
/// What every MQTT connection shares: the settings, the CONNECT check, the PUBLISH stages, the live
/// sessions, the topic rules, the limits, the deadline monitor, the metrics and the log. One
/// instance per gateway; <see cref="MqttConnection"/> holds a reference, not copies.
/// </summary>
internal sealed partial class MqttEndpoint(
    IOptions<MqttIngressOptions> options,
    AuthenticateConnection authenticate,
    PublishPipeline pipeline,
    SessionRegistry sessions,
    TopicPolicy policy,
    ConnectionLimits limits,
    GatewayMetrics metrics,
    DeviceActivity activity,
    ILogger<MqttConnection> logger,
    IDeviceCommands? commands = null) : IAsyncDisposable
{
    public MqttIngressOptions Options { get; } = options.Value;

    public AuthenticateConnection Authenticate { get; } = authenticate;

    public PublishPipeline Pipeline { get; } = pipeline;

    public SessionRegistry Sessions { get; } = sessions;

    public TopicPolicy Policy { get; } = policy;

    public ConnectionLimits Limits { get; } = limits;

    public GatewayMetrics Metrics { get; } = metrics;

    /// <summary>Per-device activity: sessions opened and ended (the console shows them).</summary>
    public DeviceActivity Activity { get; } = activity;

    /// <summary>The command part, when the gateway has one (docs/protocol.md section 11).</summary>
    public IDeviceCommands? Commands { get; } = commands;

    public ConnectionMonitor Monitor { get; } = new();

    public ILogger Logger { get; } = logger;

    /// <summary>The CommunicationTimeout in milliseconds, for the monitor's tick arithmetic.</summary>
    public long CommunicationTimeoutMilliseconds { get; } = (long)options.Value.CommunicationTimeout.TotalMilliseconds;

    public ValueTask DisposeAsync() => Monitor.DisposeAsync();

    [LoggerMessage(Level = LogLevel.Warning, Message = "MQTT connection from {Remote} closed by the gateway: {Reason} ({Packet} 0x{Code:X2})")]
    public partial void LogClosing(string? remote, string reason, string packet, int code);

    [LoggerMessage(Level = LogLevel.Warning, Message = "MQTT connection from {Remote} dropped before it authenticated: {Reason}")]
    public partial void LogDropped(string? remote, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "MQTT connection from {Remote} failed")]
    public partial void LogConnectionFailed(Exception exception, string? remote);
}
