using System.Buffers;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using M2M.Gateway.Https;
using M2M.Gateway.Ingress.Authorization;
using M2M.Gateway.Ingress.Packets;
using M2M.Gateway.Ingress.Pipeline;
using M2M.Gateway.Ingress.Sessions;
using M2M.Gateway.Metrics;
using Microsoft.Extensions.Options;
using MQTTnet.Packets;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace M2M.Gateway.Ingress.Broker;

/// <summary>
/// The embedded MQTT 5 broker (MQTTnet's <see cref="MqttServer"/>) on TCP and, with a certificate,
/// on TLS. It hands every CONNECT to <see cref="AuthenticateConnection"/>, every PUBLISH to
/// <see cref="PublishPipeline"/> and every SUBSCRIBE to <see cref="TopicPolicy"/>; devices'
/// messages are never forwarded to other MQTT clients, only journaled and relayed.
/// </summary>
public sealed partial class MqttBrokerHost(
    IServiceProvider services,
    IOptions<MqttIngressOptions> options,
    GatewayMetrics metrics,
    ILogger<MqttBrokerHost> logger) : IHostedService, IAsyncDisposable
{
    private const string SessionItem = "m2m.session";

    // Room for the fixed header, topic and properties above the payload limit in the CONNACK's
    // Maximum Packet Size (MQTT 5 section 3.2.2.3.6).
    private const int PacketOverhead = 4096;

    private readonly MqttIngressOptions _options = options.Value;
    private MqttServer? _server;

    /// <summary>Starts listening when the seams it needs are registered (docs/ingress.md, "Seams").</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var missing = MqttIngressExtensions.MissingSeams(services);
        if (missing.Count > 0)
        {
            LogDisabled(string.Join(", ", missing));
            return;
        }

        var authenticate = services.GetRequiredService<AuthenticateConnection>();
        var pipeline = services.GetRequiredService<PublishPipeline>();
        var policy = services.GetRequiredService<TopicPolicy>();
        var sessions = services.GetRequiredService<SessionRegistry>();

        var builder = new MqttServerFactory().CreateServerOptionsBuilder().WithKeepAlive()
            .WithDefaultCommunicationTimeout(_options.CommunicationTimeout);
        var address = IPAddress.Parse(_options.BindAddress);
        builder = _options.Port > 0
            ? builder.WithDefaultEndpoint().WithDefaultEndpointBoundIPAddress(address).WithDefaultEndpointPort(_options.Port).WithDefaultEndpointBoundIPV6Address(IPAddress.None)
            : builder.WithoutDefaultEndpoint();
        var certificate = _options.TlsPort > 0 ? Certificate() : null;
        if (certificate != null)
        {
            builder = builder.WithEncryptedEndpoint().WithEncryptedEndpointBoundIPAddress(address).WithEncryptedEndpointPort(_options.TlsPort)
                .WithEncryptedEndpointBoundIPV6Address(IPAddress.None).WithEncryptionCertificate(certificate);
        }

        var server = new MqttServerFactory().CreateMqttServer(builder.Build());
        server.ValidatingConnectionAsync += async e =>
        {
            var result = await authenticate.RunAsync(e.ProtocolVersion == MQTTnet.Formatter.MqttProtocolVersion.V500 ? AuthenticateConnection.MqttProtocolLevel : (int)e.ProtocolVersion, e.ClientId, e.UserName, e.RawPassword == null ? null : e.Password, e.CancellationToken).ConfigureAwait(false);
            e.ReasonCode = (MqttConnectReasonCode)result.Code;
            if (result.Session != null)
            {
                e.SessionItems[SessionItem] = result.Session;
            }
        };
        server.ClientConnectedAsync += e =>
        {
            if (e.SessionItems[SessionItem] is DeviceSession session)
            {
                sessions.Add(session);
            }

            return Task.CompletedTask;
        };
        server.ClientDisconnectedAsync += e =>
        {
            if (e.SessionItems[SessionItem] is DeviceSession session)
            {
                sessions.Remove(session);
            }

            return Task.CompletedTask;
        };
        server.InterceptingOutboundPacketAsync += e =>
        {
            if (e.Packet is MqttConnAckPacket { ReasonCode: MqttConnectReasonCode.Success } connAck)
            {
                connAck.MaximumPacketSize = (uint)(_options.MaxPayloadBytes + PacketOverhead);
            }

            return Task.CompletedTask;
        };
        server.InterceptingInboundPacketAsync += e =>
        {
            if (e.Packet is MqttPublishPacket publish && publish.Payload.Length > _options.MaxPayloadBytes)
            {
                // docs/protocol.md section 9.3: over the announced size is a protocol error, 0x95.
                e.ProcessPacket = false;
                metrics.Message("packet_too_large");
                LogTooLarge(e.ClientId, publish.Payload.Length);
                _ = Task.Run(() => DisconnectAsync(e.ClientId, ReasonCode.PacketTooLarge));
            }

            return Task.CompletedTask;
        };
        server.InterceptingPublishAsync += async e =>
        {
            // Device messages go to the journal and the relay, never to MQTT subscribers.
            e.ProcessPublish = false;
            if (e.SessionItems[SessionItem] is not DeviceSession session)
            {
                e.Response.ReasonCode = MqttPubAckReasonCode.NotAuthorized;
                return;
            }

            var message = e.ApplicationMessage;
            var properties = message.UserProperties?.Select(p => (p.Name, p.ReadValueAsString())).ToList() ?? [];
            var context = new PublishContext(session, message.Topic, message.Payload.ToArray(), message.ContentType, properties);
            var outcome = await pipeline.RunAsync(context, e.CancellationToken).ConfigureAwait(false);
            e.Response.ReasonCode = (MqttPubAckReasonCode)outcome.Code;
            if (!outcome.Succeeded)
            {
                e.Response.ReasonString = outcome.Reason;
            }
        };
        server.InterceptingSubscriptionAsync += e =>
        {
            var allowed = e.SessionItems[SessionItem] is DeviceSession session
                && policy.MaySubscribe(session.DeviceId, session.Tenant, session.Roles, e.TopicFilter.Topic);
            metrics.Subscription(allowed ? "ok" : "topic_not_allowed");
            if (!allowed)
            {
                e.ProcessSubscription = false;
                e.Response.ReasonCode = MqttSubscribeReasonCode.NotAuthorized;
                e.Response.ReasonString = "topic_not_allowed";
            }

            return Task.CompletedTask;
        };

        _server = server;
        sessions.AttachBroker(DisconnectAsync);
        await server.StartAsync().ConfigureAwait(false);
        LogListening(_options.BindAddress, _options.Port, certificate == null ? 0 : _options.TlsPort);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_server != null)
        {
            await _server.StopAsync(new MqttServerStopOptions()).ConfigureAwait(false);
        }
    }

    public ValueTask DisposeAsync()
    {
        _server?.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task DisconnectAsync(string clientId, ReasonCode code)
    {
        try
        {
            await _server!.DisconnectClientAsync(clientId, new MqttServerClientDisconnectOptions { ReasonCode = (MqttDisconnectReasonCode)code }).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is InvalidOperationException or ObjectDisposedException or IOException)
        {
            // Already gone.
        }
    }

    /// <summary>
    /// The TLS listener's certificate: the configured file, else the gateway's own (docs/tokens.md,
    /// "HTTPS": the operator's or one from the development CA), else none (TLS off).
    /// </summary>
    private X509Certificate2? Certificate()
    {
        var path = _options.CertificatePath;
        if (string.IsNullOrEmpty(path))
        {
            return services.GetService<GatewayCertificate>()?.Server;
        }

        // For a PEM certificate, CertificatePassword names its private-key file.
        var pem = path.EndsWith(".pem", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".crt", StringComparison.OrdinalIgnoreCase);
        return GatewayCertificate.LoadCertificate(path, pem ? _options.CertificatePassword : null, pem ? null : _options.CertificatePassword);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "MQTT ingress disabled: no implementation registered for {Seams} (see docs/ingress.md, \"Seams\")")]
    private partial void LogDisabled(string seams);

    [LoggerMessage(Level = LogLevel.Information, Message = "MQTT ingress listening on {Address}, port {Port}, TLS port {TlsPort} (0 = off)")]
    private partial void LogListening(string address, int port, int tlsPort);

    [LoggerMessage(Level = LogLevel.Information, Message = "PUBLISH from {ClientId} too large ({Length} bytes): disconnecting with 0x95")]
    private partial void LogTooLarge(string clientId, long length);
}
